//! Fuzz target `corefile`: see `k8s_dns_sim_fuzz::harness::corefile` for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| k8s_dns_sim_fuzz::harness::corefile(data));
