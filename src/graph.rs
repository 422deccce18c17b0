//! A picture of the linking: a namespace's Services, their EndpointSlices or Endpoints, the
//! endpoints and Pods, and the DNS names each yields, as Mermaid or Graphviz DOT.
//!
//! (Being built for issue 12 §3.)
