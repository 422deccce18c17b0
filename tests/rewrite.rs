//! The `rewrite` plugin: the question rewritten on the way in, the reply's names put back on
//! the way out. Every row names the rule of docs/coredns-rules.md it checks; `[T: …]` rows
//! re-state a case of CoreDNS's `plugin/rewrite/*_test.go`.

mod support;

use k8s_dns_sim::hickory_proto::op::ResponseCode::{self, NXDomain, NoError, ServFail};
use k8s_dns_sim::hickory_proto::rr::RecordType::{self, A, SRV};
use k8s_dns_sim::{ClusterDns, Config};

/// `rewrite` lines before a `kubernetes cluster.local` plugin, in a `.:53` block.
fn server(rules: &str) -> ClusterDns {
    let corefile = format!(".:53 {{\n{rules}\n    kubernetes cluster.local\n}}\n");
    let config = Config::from_corefile(&corefile).unwrap_or_else(|e| panic!("{corefile}{e}"));
    assert!(config.not_simulated.is_empty(), "{:?}", config.not_simulated);
    support::dns("rewrite.yaml", config)
}

fn lines(records: &[k8s_dns_sim::hickory_proto::rr::Record]) -> Vec<String> {
    records.iter().map(ToString::to_string).collect()
}

#[test]
fn an_external_name_answers_with_the_services_address_as_asked() {
    let dns = server("    rewrite name exact db.example.com mysql.default.svc.cluster.local");
    let answer = dns.lookup("db.example.com.", A).unwrap();
    assert_eq!(answer.response_code(), NoError);
    assert_eq!(lines(&answer.answers), ["db.example.com. 5 IN A 10.96.0.30"]);
}
