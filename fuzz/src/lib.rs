//! The fuzz targets' shared code: the checks of [`harness`] (also run by the main crate's
//! `tests/fuzz_smoke.rs`), and how the `changes` target makes its structured input.

pub mod harness;

use arbitrary::{Arbitrary, Result, Unstructured};
use harness::ChangeSpec;

impl<'a> Arbitrary<'a> for ChangeSpec {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(match u.int_in_range(0u8..=9)? {
            0 => ChangeSpec::ApplyText(String::arbitrary(u)?),
            1 => ChangeSpec::ApplyTemplate {
                template: u.arbitrary()?,
                namespace: u.arbitrary()?,
                name: u.arbitrary()?,
                address: u.arbitrary()?,
                number: small_or_any(u)?,
            },
            2 => ChangeSpec::Delete {
                kind: u.arbitrary()?,
                namespace: u.arbitrary()?,
                name: u.arbitrary()?,
            },
            3 => ChangeSpec::PodReady {
                namespace: u.arbitrary()?,
                name: u.arbitrary()?,
                ready: u.arbitrary()?,
            },
            4 => ChangeSpec::PodTerminating {
                namespace: u.arbitrary()?,
                name: u.arbitrary()?,
                terminating: u.arbitrary()?,
            },
            5 => ChangeSpec::EndpointReady {
                namespace: u.arbitrary()?,
                name: u.arbitrary()?,
                address: u.arbitrary()?,
                ready: u.arbitrary()?,
            },
            6 => ChangeSpec::ServiceType {
                namespace: u.arbitrary()?,
                name: u.arbitrary()?,
                service_type: u.arbitrary()?,
                target: u.arbitrary()?,
            },
            7 => ChangeSpec::Scale {
                kind: u.arbitrary()?,
                namespace: u.arbitrary()?,
                name: u.arbitrary()?,
                replicas: small_or_any(u)?,
            },
            8 => ChangeSpec::Selector {
                namespace: u.arbitrary()?,
                name: u.arbitrary()?,
                labels: u.arbitrary()?,
            },
            // Two of ten: change the Pods and endpoints that exist more often than anything.
            _ => ChangeSpec::PodReady {
                namespace: 0,
                name: u.arbitrary()?,
                ready: u.arbitrary()?,
            },
        })
    }
}

/// A count that is usually small (replicas, ports) and sometimes anything.
fn small_or_any(u: &mut Unstructured<'_>) -> Result<u32> {
    if u.ratio(7u8, 8u8)? {
        u.int_in_range(0..=1_200)
    } else {
        u.arbitrary()
    }
}

/// The `changes` target's input: a batch of at most 8 changes.
#[derive(Debug)]
pub struct Batch(pub Vec<ChangeSpec>);

impl<'a> Arbitrary<'a> for Batch {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let count = u.int_in_range(0usize..=8)?;
        let mut changes = Vec::with_capacity(count);
        for _ in 0..count {
            changes.push(ChangeSpec::arbitrary(u)?);
        }
        Ok(Batch(changes))
    }
}
