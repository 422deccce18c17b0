//! Why a question got its answer: the steps the rules took, the objects they looked at, what
//! was left out and why, and the near misses that would have answered.
//!
//! (Being built for issue 12 §1.)
