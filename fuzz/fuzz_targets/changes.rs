//! Fuzz target `changes`: a structured batch of changes to a small cluster; see
//! `k8s_dns_sim_fuzz::harness::changes` for what it checks.
#![no_main]

use k8s_dns_sim_fuzz::Batch;

libfuzzer_sys::fuzz_target!(|batch: Batch| k8s_dns_sim_fuzz::harness::changes(&batch.0));
