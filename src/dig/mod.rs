//! `dig` as people know it, over the simulator: the options (`-x`, `+short`, `-f -`, …), the
//! reply printed in dig's layout, and the subcommands of the `k8s-dns-sim` command-line tool.
//!
//! (Being built for issue 12 §4–§5.)
