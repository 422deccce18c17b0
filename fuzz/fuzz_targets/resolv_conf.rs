//! Fuzz target `resolv_conf`: see `k8s_dns_sim_fuzz::harness::resolv_conf` for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| k8s_dns_sim_fuzz::harness::resolv_conf(data));
