//! The `loadbalance` plugin (CoreDNS `plugin/loadbalance/loadbalance.go`), made deterministic.
//!
//! CoreDNS shuffles the address and MX records of every NOERROR reply with `dns.Id()`, a random
//! number per step. A simulator that answers from `&self` has no hidden state to draw from, so
//! the numbers come from a generator seeded by the cluster snapshot's serial and the query id:
//! the same question of the same snapshot gets the same order, another id another order, and
//! over many ids every order CoreDNS can give turns up.

use hickory_proto::rr::{Record, RecordType};

use crate::answer::{Answer, Outcome};

/// The random numbers `dns.Id()` would give, from a seed (splitmix64).
struct Numbers(u64);

impl Numbers {
    fn next(&mut self) -> usize {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        // dns.Id() is a uint16.
        usize::from((z ^ (z >> 31)) as u16)
    }
}

/// Rule 45: shuffles `answer` as the plugin's response writer does, for `qtype`: only a
/// NOERROR reply, never a zone transfer; each section in turn.
pub(super) fn shuffle(answer: &mut Answer, qtype: RecordType, serial: u32, id: u16) {
    if !matches!(answer.outcome, Outcome::Success | Outcome::NoData)
        || matches!(qtype, RecordType::AXFR | RecordType::IXFR)
    {
        return;
    }
    let mut numbers = Numbers((u64::from(serial) << 16) | u64::from(id));
    for section in [
        &mut answer.answers,
        &mut answer.authorities,
        &mut answer.additionals,
    ] {
        *section = round_robin(std::mem::take(section), &mut numbers);
    }
}

/// `roundRobin`: a section of A records only (or AAAA only) is shuffled as it is; any other is
/// regrouped as CNAMEs, the other records, the addresses shuffled, the MX records shuffled.
fn round_robin(records: Vec<Record>, numbers: &mut Numbers) -> Vec<Record> {
    if records.len() <= 1 {
        return records;
    }
    let first = records[0].record_type();
    if matches!(first, RecordType::A | RecordType::AAAA)
        && records.iter().all(|record| record.record_type() == first)
    {
        let mut out = records;
        shuffle_in_place(&mut out, numbers);
        return out;
    }
    let (mut cname, mut address, mut mx, mut rest) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for record in records {
        match record.record_type() {
            RecordType::CNAME => cname.push(record),
            RecordType::A | RecordType::AAAA => address.push(record),
            RecordType::MX => mx.push(record),
            _ => rest.push(record),
        }
    }
    shuffle_in_place(&mut address, numbers);
    shuffle_in_place(&mut mx, numbers);
    cname.extend(rest);
    cname.extend(address);
    cname.extend(mx);
    cname
}

/// `roundRobinShuffle`: two records swap on an even number; more are walked, each position
/// swapped with one at or after it.
fn shuffle_in_place(records: &mut [Record], numbers: &mut Numbers) {
    match records.len() {
        0 | 1 => {}
        2 => {
            if numbers.next().is_multiple_of(2) {
                records.swap(0, 1);
            }
        }
        len => {
            for j in 0..len {
                let p = j + numbers.next() % (len - j);
                records.swap(j, p);
            }
        }
    }
}
