//! Fuzz target `handle_bytes`: see `k8s_dns_sim_fuzz::harness::handle_bytes` for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| k8s_dns_sim_fuzz::harness::handle_bytes(data));
