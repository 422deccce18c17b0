//! An explanation in plain language: deterministic, one numbered step a line, the objects and
//! the endpoints left out under their step, then the near misses with their fixes.

use std::fmt;

use super::{Explanation, LeftOutReason, ObjectAt, Step};

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, ";; Why {} {} got this answer:", self.name, self.qtype)?;
        for (index, step) in self.steps.iter().enumerate() {
            write_step(f, index + 1, step)?;
        }
        if !self.near_misses.is_empty() {
            writeln!(f, ";; Near misses:")?;
            for miss in &self.near_misses {
                writeln!(f, ";;   - {}", miss.what)?;
                for object in &miss.objects {
                    writeln!(f, ";;     {}", object_line(object))?;
                }
                writeln!(f, ";;     fix: {}", miss.fix)?;
            }
        }
        for disagreement in &self.disagreements {
            writeln!(
                f,
                ";; (k8s-dns-sim bug: the explanation disagrees with the answer: {disagreement})"
            )?;
        }
        Ok(())
    }
}

fn write_step(f: &mut fmt::Formatter<'_>, number: usize, step: &Step) -> fmt::Result {
    let indent = "  ".repeat(step.depth);
    write!(f, ";; {indent}{number:>2}. {}", step.decision)?;
    match &step.rule {
        Some(rule) => writeln!(f, " [{rule}]")?,
        None => writeln!(f)?,
    }
    for object in &step.objects {
        writeln!(f, ";; {indent}      {}", object_line(object))?;
    }
    for left in &step.left_out {
        writeln!(
            f,
            ";; {indent}      left out: {} ({})",
            left.address,
            reason_text(&left.reason)
        )?;
    }
    Ok(())
}

fn object_line(object: &ObjectAt) -> String {
    if object.location.is_unknown() {
        format!("{}", object.object)
    } else {
        format!("{} at {}", object.object, object.location)
    }
}

fn reason_text(reason: &LeftOutReason) -> String {
    match reason {
        LeftOutReason::NotReady { terminating: true } => {
            "not ready: conditions.ready is false (it is also terminating) [rule 13]".to_owned()
        }
        LeftOutReason::NotReady { terminating: false } => {
            "not ready: conditions.ready is false [rule 13]".to_owned()
        }
        LeftOutReason::OtherFamily => "the other address family".to_owned(),
        LeftOutReason::OtherName { name } => {
            format!("it answers to the endpoint name {name:?} [rule 14]")
        }
        LeftOutReason::PortMismatch => {
            "no port of its slice matches the port asked for [rule 17]".to_owned()
        }
        LeftOutReason::OtherZone { zone: Some(zone) } => {
            format!("in topology zone {zone:?} [rule 26]")
        }
        LeftOutReason::OtherZone { zone: None } => "in no topology zone [rule 26]".to_owned(),
        LeftOutReason::NoEndpointsOption => {
            "the `noendpoints` option hides every endpoint".to_owned()
        }
        LeftOutReason::OtherCluster { cluster } => {
            format!("it belongs to cluster {cluster:?} [rule 25]")
        }
    }
}
