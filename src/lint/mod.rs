//! Findings about manifests (and a configuration) that load but do not do what they look like
//! they do: each with a severity, the objects and where they were read, what DNS does because
//! of it, and the fix.
//!
//! (Being built for issue 12 §2.)
