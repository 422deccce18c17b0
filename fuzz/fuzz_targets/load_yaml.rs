//! Fuzz target `load_yaml`: see `k8s_dns_sim_fuzz::harness::load_yaml` for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| k8s_dns_sim_fuzz::harness::load_yaml(data));
