//! The server around the plugins: which server block answers, and the order and hand-offs of
//! a block's plugins. Every row names the rule of docs/coredns-rules.md it checks.

mod support;

use k8s_dns_sim::hickory_proto::op::ResponseCode::{self, NXDomain, NoError, Refused, ServFail};
use k8s_dns_sim::hickory_proto::rr::RecordType::{self, A, AAAA, DS, MX, PTR, TXT};
use k8s_dns_sim::{ClusterDns, Config, Upstream};
use support::reply::{Row, check, lines, row};
use support::{SOA as ZONE_SOA, dns};

fn corefile(name: &str) -> Config {
    let path = format!("{}/fixtures/corefiles/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    Config::from_corefile(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn upstream() -> Upstream {
    Upstream::new()
        .with_address("www.example.com", "93.184.215.14".parse().unwrap(), 300)
        .unwrap()
        .with_address("printer.corp.example", "198.51.100.9".parse().unwrap(), 60)
        .unwrap()
}

#[test]
fn server_blocks_pick_the_longest_zone() {
    let config = corefile("blocks.Corefile").with_upstream(upstream());
    assert_eq!(config.servers.len(), 5);
    let dns = dns("golden.yaml", config);
    check(
        &dns,
        &[
            row(
                "39 cluster.local's block: the kubernetes plugin answers",
                "web.default.svc.cluster.local.",
                A,
                NoError,
                true,
                &["web.default.svc.cluster.local. 5 IN A 10.96.0.20"],
            ),
            Row {
                authority: &[ZONE_SOA],
                ..row(
                    "39 the kubernetes plugin's NXDOMAIN stays in its block",
                    "nope.default.svc.cluster.local.",
                    A,
                    NXDomain,
                    true,
                    &[],
                )
            },
            row(
                "39/41 example.org's block: hosts answers, lower-cased owner",
                "WWW.example.org.",
                A,
                NoError,
                true,
                &["www.example.org. 3600 IN A 192.0.2.10"],
            ),
            row(
                "39 a second key of the same block (dns://lab.example.org:53) is served by it",
                "app.lab.example.org.",
                A,
                NoError,
                true,
                &["app.lab.example.org. 3600 IN A 192.0.2.13"],
            ),
            row(
                "39 a block without plugins: REFUSED, though example.org's block holds its parent",
                "x.internal.example.org.",
                A,
                Refused,
                false,
                &[],
            ),
            row(
                "39/40 the root block: forward answers from the upstream, not authoritative",
                "www.example.com.",
                A,
                NoError,
                false,
                &["www.example.com. 300 IN A 93.184.215.14"],
            ),
            row(
                "40 forward's except zone is passed on: the last plugin, so SERVFAIL",
                "printer.corp.example.",
                A,
                ServFail,
                false,
                &[],
            ),
            row(
                "39 other.local listens on 5353 only: on port 53 the root block forwards it",
                "web.default.svc.other.local.",
                A,
                NXDomain,
                false,
                &[],
            ),
            row(
                "39 DS goes to the shortest matching zone: example.org's block, not lab.example.org",
                "app.lab.example.org.",
                DS,
                NoError,
                true,
                &[],
            ),
        ],
    );
}

#[test]
fn the_port_decides_which_blocks_answer() {
    let config = corefile("blocks.Corefile").with_port(5353);
    let dns = dns("golden.yaml", config);
    check(
        &dns,
        &[
            row(
                "39 on 5353 other.local's kubernetes plugin answers",
                "web.default.svc.other.local.",
                A,
                NoError,
                true,
                &["web.default.svc.other.local. 5 IN A 10.96.0.20"],
            ),
            row(
                "39 on 5353 no block covers cluster.local: REFUSED",
                "web.default.svc.cluster.local.",
                A,
                Refused,
                false,
                &[],
            ),
        ],
    );
}

#[test]
fn plugins_run_in_plugin_cfg_order() {
    let dns = dns(
        "golden.yaml",
        corefile("order.Corefile").with_upstream(upstream()),
    );
    check(
        &dns,
        &[
            row(
                "40 hosts runs before kubernetes (plugin.cfg), though written after it",
                "web.default.svc.cluster.local.",
                A,
                NoError,
                true,
                &["web.default.svc.cluster.local. 3600 IN A 10.96.0.20"],
            ),
            row(
                "40/41 hosts holds the name (in the other family): its NODATA, no SOA; kubernetes is not asked",
                "web.default.svc.cluster.local.",
                AAAA,
                NoError,
                true,
                &[],
            ),
            Row {
                authority: &[ZONE_SOA],
                ..row(
                    "40/41 a name hosts does not hold falls through to kubernetes (NXDOMAIN, SOA)",
                    "nope.default.svc.cluster.local.",
                    A,
                    NXDomain,
                    true,
                    &[],
                )
            },
            row(
                "40/41 a name hosts holds does not reach forward",
                "printer.corp.example.",
                A,
                NoError,
                true,
                &["printer.corp.example. 3600 IN A 203.0.113.7"],
            ),
            row(
                "40 kubernetes passes a name outside its zones to forward",
                "www.example.com.",
                A,
                NoError,
                false,
                &["www.example.com. 300 IN A 93.184.215.14"],
            ),
            row(
                "40/41 PTR: hosts' generated record, before kubernetes' reverse zone",
                "7.113.0.203.in-addr.arpa.",
                PTR,
                NoError,
                true,
                &["7.113.0.203.in-addr.arpa. 3600 IN PTR printer.corp.example."],
            ),
            row(
                "35/40 kubernetes' reverse-zone name error falls through to forward (the upstream's NXDOMAIN)",
                "99.0.1.10.in-addr.arpa.",
                PTR,
                NXDomain,
                false,
                &[],
            ),
        ],
    );
}

#[test]
fn the_last_plugin_passing_on_is_servfail() {
    let config = Config::from_corefile(".:53 {\n    kubernetes cluster.local\n}\n").unwrap();
    let dns = dns("golden.yaml", config);
    check(
        &dns,
        &[
            row(
                "35/40 outside the plugin's zones in a .:53 block: SERVFAIL, not REFUSED",
                "example.com.",
                A,
                ServFail,
                false,
                &[],
            ),
            row(
                "19/40 an ExternalName target asked of the server again gets SERVFAIL: the CNAME alone",
                "ext.default.svc.cluster.local.",
                A,
                NoError,
                true,
                &["ext.default.svc.cluster.local. 5 IN CNAME example.com."],
            ),
        ],
    );
}

#[test]
fn hosts_answers_as_coredns_does() {
    let config = corefile("blocks.Corefile");
    let dns = dns("golden.yaml", config);
    check(
        &dns,
        &[
            row(
                "41 AAAA of a name with both families",
                "www.example.org.",
                AAAA,
                NoError,
                true,
                &["www.example.org. 3600 IN AAAA 2001:db8::10"],
            ),
            row(
                "41 a name held in the other family only: NODATA, AA, no SOA",
                "v4only.example.org.",
                AAAA,
                NoError,
                true,
                &[],
            ),
            row(
                "41 another type of a name it holds: NODATA",
                "www.example.org.",
                MX,
                NoError,
                true,
                &[],
            ),
            row(
                "41 a wildcard matches one label",
                "a.wild.example.org.",
                A,
                NoError,
                true,
                &["a.wild.example.org. 3600 IN A 192.0.2.12"],
            ),
            row(
                "41 a wildcard does not match two labels: not held, no fallthrough, SERVFAIL",
                "b.a.wild.example.org.",
                A,
                ServFail,
                false,
                &[],
            ),
            row(
                "39/41 a CIDR key's reverse zone: hosts makes PTRs from its entries",
                "10.2.0.192.in-addr.arpa.",
                PTR,
                NoError,
                true,
                &["10.2.0.192.in-addr.arpa. 3600 IN PTR www.example.org."],
            ),
            row(
                "41 a wildcard entry makes no PTR: passed on, the last plugin, SERVFAIL",
                "12.2.0.192.in-addr.arpa.",
                PTR,
                ServFail,
                false,
                &[],
            ),
            row(
                "41 a TXT of a name it does not hold: SERVFAIL",
                "nothing.example.org.",
                TXT,
                ServFail,
                false,
                &[],
            ),
        ],
    );
}

/// The Corefiles distributions ship, loaded with the files their Deployments mount, and asked a
/// cluster name, a name only a file or block of theirs answers, and an external name.
#[test]
fn shipped_corefiles_load_and_answer() {
    use std::collections::BTreeMap;

    struct Shipped {
        file: &'static str,
        port: u16,
        files: &'static [(&'static str, &'static str)],
        rows: Vec<Row>,
    }
    const WEB: Row = row(
        "39/40 the cluster's names: the kubernetes plugin of the .:53 block",
        "web.default.svc.cluster.local.",
        A,
        NoError,
        true,
        &["web.default.svc.cluster.local. 30 IN A 10.96.0.20"],
    );
    const WEB_TTL_5: Row = row(
        "39/40 the cluster's names, ttl 5 (no ttl option)",
        "web.default.svc.cluster.local.",
        A,
        NoError,
        true,
        &["web.default.svc.cluster.local. 5 IN A 10.96.0.20"],
    );
    const EXTERNAL: Row = row(
        "40 another name goes to forward: the upstream's answer",
        "www.example.com.",
        A,
        NoError,
        false,
        &["www.example.com. 300 IN A 93.184.215.14"],
    );
    let shipped = [
        Shipped {
            file: "kubeadm.Corefile",
            port: 53,
            files: &[],
            rows: vec![WEB, EXTERNAL],
        },
        Shipped {
            file: "eks.Corefile",
            port: 53,
            files: &[],
            rows: vec![WEB_TTL_5, EXTERNAL],
        },
        Shipped {
            file: "aks.Corefile",
            port: 53,
            files: &[(
                "/etc/coredns/custom/lab.server",
                "lab.example:53 {\n    hosts {\n        10.1.2.3 db.lab.example\n    }\n}\n",
            )],
            rows: vec![
                WEB,
                EXTERNAL,
                row(
                    "39 a block of coredns-custom's *.server (import custom/*.server)",
                    "db.lab.example.",
                    A,
                    NoError,
                    true,
                    &["db.lab.example. 3600 IN A 10.1.2.3"],
                ),
            ],
        },
        Shipped {
            file: "k3s.Corefile",
            port: 53,
            files: &[
                (
                    "/etc/coredns/NodeHosts",
                    "172.18.0.2 k3d-server-0\n172.18.0.3 k3d-agent-0\n",
                ),
                (
                    "/etc/coredns/custom/extra.override",
                    "log . {\n    class denial\n}\n",
                ),
            ],
            rows: vec![
                WEB_TTL_5,
                EXTERNAL,
                row(
                    "41 k3s's NodeHosts: the node names, ttl 60",
                    "k3d-agent-0.",
                    A,
                    NoError,
                    true,
                    &["k3d-agent-0. 60 IN A 172.18.0.3"],
                ),
                row(
                    "41 a node's reverse name from NodeHosts",
                    "2.0.18.172.in-addr.arpa.",
                    PTR,
                    NoError,
                    true,
                    &["2.0.18.172.in-addr.arpa. 60 IN PTR k3d-server-0."],
                ),
            ],
        },
        Shipped {
            file: "minikube.Corefile",
            port: 53,
            files: &[],
            rows: vec![
                WEB,
                EXTERNAL,
                row(
                    "41 minikube's host entry",
                    "host.minikube.internal.",
                    A,
                    NoError,
                    true,
                    &["host.minikube.internal. 3600 IN A 192.168.49.1"],
                ),
            ],
        },
        Shipped {
            file: "openshift.Corefile",
            port: 5353,
            files: &[],
            rows: vec![WEB_TTL_5, EXTERNAL],
        },
    ];
    for case in shipped {
        let path = format!(
            "{}/fixtures/corefiles/{}",
            env!("CARGO_MANIFEST_DIR"),
            case.file
        );
        let text = std::fs::read_to_string(&path).unwrap();
        let files: BTreeMap<&str, &str> = case.files.iter().copied().collect();
        let config = Config::from_corefile_with_files(&text, files)
            .unwrap_or_else(|error| panic!("{}: {error}", case.file))
            .with_port(case.port)
            .with_upstream(upstream());
        let dns = dns("golden.yaml", config);
        check(&dns, &case.rows);
    }
}

/// Rule 39: a Corefile with no block on 53 is served on the port of its first plain-DNS block
/// (a cluster's DNS Service maps 53 to it, as OpenShift's maps 53 to `.:5353`); with a block on
/// 53, 53; `with_port` still picks. A server on no port the blocks listen on says so.
#[test]
fn the_corefile_decides_the_port_a_pod_reaches() {
    let cases: &[(&str, &str, u16)] = &[
        (
            "a block on 53",
            ".:53 {\n    kubernetes cluster.local\n}\n",
            53,
        ),
        (
            "no port written: 53",
            ". {\n    kubernetes cluster.local\n}\n",
            53,
        ),
        (
            "only 5353",
            ".:5353 {\n    kubernetes cluster.local\n}\n",
            5353,
        ),
        (
            "53 among others",
            "other.local:5353 {\n    kubernetes other.local\n}\n.:53 {\n    kubernetes cluster.local\n}\n",
            53,
        ),
        (
            "the first plain-DNS block's",
            "tls://.:853 {\n    kubernetes cluster.local\n}\n.:1053 {\n    kubernetes cluster.local\n}\n",
            1053,
        ),
        (
            "plain DNS on no block: 53",
            "tls://.:853 {\n    kubernetes cluster.local\n}\n",
            53,
        ),
    ];
    for (rule, text, port) in cases {
        let config = Config::from_corefile(text).unwrap_or_else(|e| panic!("{rule}: {e}"));
        assert_eq!(config.port, *port, "{rule}");
    }
    let openshift = corefile("openshift.Corefile");
    assert_eq!(openshift.port, 5353, "OpenShift's dns-default");
    check(
        &dns("golden.yaml", openshift),
        &[row(
            "39 OpenShift's .:5353 answers what a Pod asks its DNS Service on 53",
            "web.default.svc.cluster.local.",
            A,
            NoError,
            true,
            &["web.default.svc.cluster.local. 5 IN A 10.96.0.20"],
        )],
    );
    let tls = dns(
        "golden.yaml",
        Config::from_corefile("tls://.:853 {\n    kubernetes cluster.local\n}\n").unwrap(),
    );
    let explanation = tls
        .explain("web.default.svc.cluster.local", A)
        .unwrap()
        .to_string();
    assert!(
        explanation.contains("no server block listens on port 53 (the Corefile's blocks: .:853)"),
        "{explanation}"
    );
}

#[test]
fn a_corefile_file_missing_is_said_and_its_inline_entries_answer() {
    let text =
        ".:53 {\n    hosts /etc/coredns/NodeHosts {\n        10.0.0.1 inline.example\n    }\n}\n";
    let config = Config::from_corefile(text).unwrap();
    assert_eq!(config.not_simulated.len(), 1, "{:?}", config.not_simulated);
    assert!(
        config.not_simulated[0]
            .reason
            .contains("`/etc/coredns/NodeHosts`")
    );
    check(
        &dns("golden.yaml", config),
        &[row(
            "41 the file is missing (from_corefile reads none): the inline entries answer",
            "inline.example.",
            A,
            NoError,
            true,
            &["inline.example. 3600 IN A 10.0.0.1"],
        )],
    );
    // A hosts block without a file reads the container's /etc/hosts: empty unless given.
    let text = ".:53 {\n    hosts\n}\n";
    let given = std::collections::BTreeMap::from([("/etc/hosts", "10.0.0.9 etc-hosts.example\n")]);
    let with = Config::from_corefile_with_files(text, given).unwrap();
    assert!(
        with.not_simulated.is_empty(),
        "no note for the default file"
    );
    check(
        &dns("golden.yaml", with),
        &[row(
            "41/42 `hosts` alone: the container's /etc/hosts, as the caller gave it",
            "etc-hosts.example.",
            A,
            NoError,
            true,
            &["etc-hosts.example. 3600 IN A 10.0.0.9"],
        )],
    );
    check(
        &dns("golden.yaml", Config::from_corefile(text).unwrap()),
        &[row(
            "41/42 `hosts` alone without files: nothing held, no fallthrough, SERVFAIL",
            "etc-hosts.example.",
            A,
            ServFail,
            false,
            &[],
        )],
    );
    // A plain `import FILE` that is not there is an error naming the line; a glob matching
    // nothing is not (Caddy's doImport).
    let error = Config::from_corefile(".:53 {\n    import extra.conf\n    forward . 1.1.1.1\n}\n")
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "line 2: `import extra.conf`: no snippet `(extra.conf)` is defined above, and no file `/etc/coredns/extra.conf` was provided"
    );
    assert!(
        Config::from_corefile(".:53 {\n    import custom/*.override\n    forward . 1.1.1.1\n}\n")
            .is_ok()
    );
}

#[test]
fn errors_in_imported_files_name_the_file_and_its_line() {
    use std::collections::BTreeMap;

    // Lines of the imported file overlap the Corefile's own: the error must say which.
    let corefile = ".:53 {\n    errors\n    import custom/*.override\n    kubernetes cluster.local {\n        ttl 30\n    }\n}\nimport custom/*.server\n";
    let rows: &[(&str, &str, &str, &str)] = &[
        (
            "42 an option's bad value in an imported *.override",
            "/etc/coredns/custom/a.override",
            "hosts {\n    ttl none\n}\n",
            "line 2 of `/etc/coredns/custom/a.override`: `ttl` of `hosts`: expected a number of seconds from 1 to 65535, found `none`",
        ),
        (
            "42 an unknown directive in an imported *.override",
            "/etc/coredns/custom/a.override",
            "\nnosuch plugin\n",
            "line 2 of `/etc/coredns/custom/a.override`: unknown directive `nosuch`: expected the name of a CoreDNS plugin (see plugin.cfg)",
        ),
        (
            "42 a bad server block key in an imported *.server",
            "/etc/coredns/custom/lab.server",
            "# lab\nlab.example:http {\n    whoami\n}\n",
            "line 2 of `/etc/coredns/custom/lab.server`: server block key: expected",
        ),
        (
            "42 a directive of an imported *.server block with a wrong argument",
            "/etc/coredns/custom/lab.server",
            "lab.example {\n    whoami now\n}\n",
            "line 2 of `/etc/coredns/custom/lab.server`: `whoami`",
        ),
    ];
    for (rule, path, text, message) in rows {
        let files = BTreeMap::from([(*path, *text)]);
        let error = Config::from_corefile_with_files(corefile, files).expect_err(rule);
        assert_eq!(error.file.as_deref(), Some(*path), "[{rule}] {error}");
        assert!(
            error.to_string().starts_with(message),
            "[{rule}]\n  want: {message}\n  got:  {error}"
        );
    }
    // The Corefile's own errors still name no file, whatever was imported before them.
    let files = BTreeMap::from([("/etc/coredns/custom/a.override", "log\n")]);
    let error =
        Config::from_corefile_with_files(corefile.replace("ttl 30", "ttl 4000").as_str(), files)
            .unwrap_err();
    assert_eq!(
        (error.file.as_deref(), error.line),
        (None, 5),
        "42 an error in the Corefile itself: {error}"
    );
}

#[test]
fn from_cluster_serves_the_configmap_keys_as_files() {
    let yaml = "apiVersion: v1
kind: ConfigMap
metadata: {name: coredns, namespace: kube-system}
data:
  Corefile: |
    .:53 {
        hosts /etc/coredns/NodeHosts {
            fallthrough
        }
        kubernetes cluster.local
    }
  NodeHosts: |
    172.18.0.2 node-1
";
    let dns = ClusterDns::from_yaml(yaml).unwrap();
    check(
        &dns,
        &[row(
            "41/42 k3s's NodeHosts key, served as /etc/coredns/NodeHosts",
            "node-1.",
            A,
            NoError,
            true,
            &["node-1. 3600 IN A 172.18.0.2"],
        )],
    );
    // k3s: the Corefile imports coredns-custom's keys, mounted at /etc/coredns/custom/.
    let k3s = std::fs::read_to_string(format!(
        "{}/fixtures/corefiles/k3s.Corefile",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let indented: String = k3s.lines().map(|line| format!("    {line}\n")).collect();
    let yaml = format!(
        "apiVersion: v1
kind: ConfigMap
metadata: {{name: coredns-custom, namespace: kube-system}}
data:
  lab.server: |
    lab.example:53 {{
        hosts {{
            10.1.2.3 db.lab.example
        }}
    }}
---
apiVersion: v1
kind: ConfigMap
metadata: {{name: coredns, namespace: kube-system}}
data:
  NodeHosts: \"172.18.0.2 k3d-server-0\"
  Corefile: |
{indented}"
    );
    let dns = ClusterDns::from_yaml(&yaml).unwrap();
    assert_eq!(
        dns.config().servers.len(),
        2,
        "the imported *.server block is there"
    );
    check(
        &dns,
        &[
            row(
                "42 coredns-custom's lab.server, imported by `import /etc/coredns/custom/*.server`",
                "db.lab.example.",
                A,
                NoError,
                true,
                &["db.lab.example. 3600 IN A 10.1.2.3"],
            ),
            row(
                "42 NodeHosts beside it",
                "k3d-server-0.",
                A,
                NoError,
                true,
                &["k3d-server-0. 60 IN A 172.18.0.2"],
            ),
        ],
    );
}

#[test]
fn whoami_answers_the_clients_address_and_port() {
    use k8s_dns_sim::hickory_proto::op::{Message, MessageType, OpCode, Query};
    use k8s_dns_sim::hickory_proto::rr::Name;
    use k8s_dns_sim::{Cluster, Transport};

    let config = Config::from_corefile(".:53 {\n    whoami\n}\n").unwrap();
    assert!(
        config.not_simulated.is_empty(),
        "{:?}",
        config.not_simulated
    );
    let dns = ClusterDns::new(Cluster::from_yaml("").unwrap(), config);
    let cases: &[(&str, &str, Transport, &str, &[&str])] = &[
        (
            "43 an IPv4 client over UDP: A and _udp SRV, TTL 0, owner as asked",
            "Example.ORG.",
            Transport::Udp,
            "10.244.1.7:41000",
            &[
                "Example.ORG. 0 IN A 10.244.1.7",
                "_udp.Example.ORG. 0 IN SRV 0 0 41000 .",
            ],
        ),
        (
            "43 an IPv6 client over TCP: AAAA and _tcp SRV",
            "example.org.",
            Transport::Tcp,
            "[fd00:10:244::7]:53001",
            &[
                "example.org. 0 IN AAAA fd00:10:244::7",
                "_tcp.example.org. 0 IN SRV 0 0 53001 .",
            ],
        ),
        (
            "43 the root: `_udp.` without a second dot",
            ".",
            Transport::Udp,
            "192.0.2.9:1053",
            &[". 0 IN A 192.0.2.9", "_udp. 0 IN SRV 0 0 1053 ."],
        ),
    ];
    for (rule, name, transport, client, additional) in cases {
        let mut query = Message::new(7, MessageType::Query, OpCode::Query);
        query.add_query(Query::query(Name::from_ascii(name).unwrap(), RecordType::A));
        let client = client.parse().unwrap();
        let bytes = if *transport == Transport::Tcp {
            dns.handle_bytes_stream_from(&query.to_vec().unwrap(), *transport, client)
                .remove(0)
        } else {
            dns.handle_bytes_from(&query.to_vec().unwrap(), *transport, client)
        };
        let reply = Message::from_vec(&bytes).unwrap();
        assert_eq!(reply.metadata.response_code, NoError, "{rule}");
        assert!(reply.metadata.authoritative, "{rule}");
        assert!(reply.answers.is_empty(), "{rule}");
        assert_eq!(lines(&reply.additionals), *additional, "{rule}");
    }
    // handle_bytes: a client outside every pod network (192.0.2.1, TEST-NET-1).
    let mut query = Message::new(8, MessageType::Query, OpCode::Query);
    query.add_query(Query::query(Name::from_ascii("a.").unwrap(), RecordType::A));
    let reply =
        Message::from_vec(&dns.handle_bytes(&query.to_vec().unwrap(), Transport::Udp)).unwrap();
    assert_eq!(reply.additionals[0].to_string(), "a. 0 IN A 192.0.2.1");
}

/// Sends `name`/`qtype` with `id` from `client` over UDP; the reply, `None` for no reply.
fn ask(
    dns: &ClusterDns,
    name: &str,
    qtype: RecordType,
    id: u16,
    client: &str,
) -> Option<k8s_dns_sim::hickory_proto::op::Message> {
    use k8s_dns_sim::Transport;
    use k8s_dns_sim::hickory_proto::op::{Message, MessageType, OpCode, Query};
    use k8s_dns_sim::hickory_proto::rr::Name;

    let mut query = Message::new(id, MessageType::Query, OpCode::Query);
    query.add_query(Query::query(Name::from_ascii(name).unwrap(), qtype));
    let bytes = dns.handle_bytes_from(
        &query.to_vec().unwrap(),
        Transport::Udp,
        client.parse().unwrap(),
    );
    (!bytes.is_empty()).then(|| Message::from_vec(&bytes).unwrap())
}

#[test]
fn acl_allows_blocks_filters_and_drops_by_client() {
    let corefile = ".:53 {
    acl blocked.example {
        block net 10.244.0.0/16
        allow
    }
    acl {
        drop net 172.16.0.0/12
        filter type AAAA net 192.0.2.0/24
        allow net 192.0.2.0/24 fd00::/8
        block
    }
    whoami
}
";
    let config = Config::from_corefile(corefile).unwrap();
    assert!(
        config.not_simulated.is_empty(),
        "{:?}",
        config.not_simulated
    );
    let dns = dns("golden.yaml", config);
    // (rule, name, type, client, reply: None for no reply, else (rcode, AA, additional count))
    type Reply = Option<(ResponseCode, bool, usize)>;
    let cases: &[(&str, &str, RecordType, &str, Reply)] = &[
        (
            "44 block: REFUSED, not authoritative",
            "www.blocked.example.",
            A,
            "10.244.3.4:5000",
            Some((Refused, false, 0)),
        ),
        (
            "44 the rule's next policy: allow, on to whoami",
            "www.blocked.example.",
            A,
            "192.0.2.7:5000",
            Some((NoError, true, 2)),
        ),
        (
            "44 allow ends the checks: the second rule's drop is not reached",
            "www.blocked.example.",
            A,
            "172.16.0.9:5000",
            Some((NoError, true, 2)),
        ),
        (
            "44 a name outside the first rule: the second decides; drop sends nothing",
            "www.other.example.",
            A,
            "172.16.0.9:5000",
            None,
        ),
        (
            "44 filter matches its type only: NOERROR, empty, not authoritative",
            "www.other.example.",
            AAAA,
            "192.0.2.7:5000",
            Some((NoError, false, 0)),
        ),
        (
            "44 the same client for A: allow",
            "www.other.example.",
            A,
            "192.0.2.7:5000",
            Some((NoError, true, 2)),
        ),
        (
            "44 an IPv6 client in an allowed net",
            "www.other.example.",
            A,
            "[fd00::1]:5000",
            Some((NoError, true, 2)),
        ),
        (
            "44 no earlier policy matches: block",
            "www.other.example.",
            A,
            "10.9.9.9:5000",
            Some((Refused, false, 0)),
        ),
    ];
    for (rule, name, qtype, client, want) in cases {
        let got = ask(&dns, name, *qtype, 1, client).map(|reply| {
            (
                reply.metadata.response_code,
                reply.metadata.authoritative,
                reply.additionals.len(),
            )
        });
        assert_eq!(got, *want, "{rule}");
    }
    // Bad input is a typed error naming the line.
    let error =
        Config::from_corefile(".:53 {\n    acl {\n        permit net 10.0.0.0/8\n    }\n}\n")
            .unwrap_err();
    assert_eq!(
        error.to_string(),
        "line 3: unknown option `permit` of `acl`: expected one of allow, block, filter, drop"
    );
    let error =
        Config::from_corefile(".:53 {\n    acl {\n        block net 10.0.0.0/33\n    }\n}\n")
            .unwrap_err();
    assert_eq!(
        error.to_string(),
        "line 3: `block` of `acl`: expected a CIDR such as 10.0.0.0/8, found `10.0.0.0/33`"
    );
}

#[test]
fn acl_replies_carry_an_extended_dns_error() {
    use k8s_dns_sim::Transport;
    use k8s_dns_sim::hickory_proto::op::{Edns, Message, MessageType, OpCode, Query};
    use k8s_dns_sim::hickory_proto::rr::Name;
    use k8s_dns_sim::hickory_proto::rr::rdata::opt::{EdnsCode, EdnsOption};

    let corefile = ".:53 {\n    acl {\n        filter type AAAA\n        block net 10.0.0.0/8\n    }\n    whoami\n}\n";
    let dns = dns("golden.yaml", Config::from_corefile(corefile).unwrap());
    // (rule, type, client, request's EDNS (size, DO), reply: rcode, OPT (size, DO, EDE option data))
    type Opt = Option<(u16, bool, Option<Vec<u8>>)>;
    type Case = (
        &'static str,
        RecordType,
        &'static str,
        Option<(u16, bool)>,
        ResponseCode,
        Opt,
    );
    let cases: &[Case] = &[
        (
            "44 block without EDNS in the request: the plugin's OPT (4096, DO) with EDE 15 Blocked",
            A,
            "10.1.2.3:5000",
            None,
            Refused,
            Some((4096, true, Some(vec![0, 15]))),
        ),
        (
            "44 block with EDNS: the request's size and DO bit (SizeAndDo), the EDE kept",
            A,
            "10.1.2.3:5000",
            Some((1232, false)),
            Refused,
            Some((1232, false, Some(vec![0, 15]))),
        ),
        (
            "44 filter: NOERROR, EDE 17 Filtered",
            AAAA,
            "10.1.2.3:5000",
            Some((1232, true)),
            NoError,
            Some((1232, true, Some(vec![0, 17]))),
        ),
        (
            "44 allowed: whoami's reply has no extended error, and no OPT without EDNS",
            A,
            "192.0.2.7:5000",
            None,
            NoError,
            None,
        ),
    ];
    for (rule, qtype, client, edns, rcode, opt) in cases {
        let mut query = Message::new(7, MessageType::Query, OpCode::Query);
        query.add_query(Query::query(
            Name::from_ascii("www.example.").unwrap(),
            *qtype,
        ));
        if let Some((size, dnssec_ok)) = edns {
            let mut edns = Edns::new();
            edns.set_max_payload(*size);
            edns.set_dnssec_ok(*dnssec_ok);
            query.set_edns(edns);
        }
        let bytes = dns.handle_bytes_from(
            &query.to_vec().unwrap(),
            Transport::Udp,
            client.parse().unwrap(),
        );
        let reply = Message::from_vec(&bytes).unwrap();
        let got_opt = reply.edns.as_ref().map(|edns| {
            let ede = edns
                .options()
                .get(EdnsCode::from(15))
                .map(|option| match option {
                    EdnsOption::Unknown(_, data) => data.clone(),
                    other => panic!("[{rule}] {other:?}"),
                });
            (edns.max_payload(), edns.flags().dnssec_ok, ede)
        });
        assert_eq!(
            (reply.metadata.response_code, got_opt),
            (*rcode, opt.clone()),
            "{rule}"
        );
    }
}

#[test]
fn loadbalance_shuffles_deterministically_by_query_id() {
    let corefile = ".:53 {
    loadbalance
    hosts {
        10.0.0.1 many.example
        10.0.0.2 many.example
        10.0.0.3 many.example
        fallthrough
    }
    kubernetes cluster.local
}
";
    let config = Config::from_corefile(corefile).unwrap();
    assert!(
        config.not_simulated.is_empty(),
        "{:?}",
        config.not_simulated
    );
    let dns = dns("golden.yaml", config);
    let order = |name: &str, id: u16| -> Vec<String> {
        let reply = ask(&dns, name, A, id, "192.0.2.1:5000").unwrap();
        lines(&reply.answers)
    };
    let mut seen = std::collections::BTreeSet::new();
    for id in 0..200 {
        let first = order("many.example.", id);
        assert_eq!(
            first,
            order("many.example.", id),
            "45 the same query gets the same order"
        );
        let mut sorted = first.clone();
        sorted.sort();
        assert_eq!(sorted.len(), 3, "45 a shuffle keeps every record");
        seen.insert(first);
    }
    assert_eq!(
        seen.len(),
        6,
        "45 over many ids every order of three records turns up"
    );
    let mut pairs = std::collections::BTreeSet::new();
    for id in 0..50 {
        pairs.insert(order("db.default.svc.cluster.local.", id));
    }
    assert_eq!(pairs.len(), 2, "45 two endpoints: both orders");
    // An error reply is not touched (and lookups, with no id, are stable).
    let nx = dns.lookup("nope.default.svc.cluster.local", A).unwrap();
    assert_eq!(nx.authorities.len(), 1);
    assert_eq!(
        dns.lookup("many.example", A).unwrap().answer_lines(),
        dns.lookup("many.example", A).unwrap().answer_lines()
    );
}

#[test]
fn chaos_answers_ch_class_and_opens_other_classes() {
    use k8s_dns_sim::Transport;
    use k8s_dns_sim::hickory_proto::op::{Message, MessageType, OpCode, Query};
    use k8s_dns_sim::hickory_proto::rr::{DNSClass, Name};

    let ask_over = |dns: &ClusterDns, name: &str, qtype, class, transport| {
        let mut query = Message::new(3, MessageType::Query, OpCode::Query);
        let mut question = Query::query(Name::from_ascii(name).unwrap(), qtype);
        question.set_query_class(class);
        query.add_query(question);
        Message::from_vec(&dns.handle_bytes(&query.to_vec().unwrap(), transport)).unwrap()
    };
    let ask_class = |dns: &ClusterDns, name: &str, qtype: RecordType, class: DNSClass| {
        ask_over(dns, name, qtype, class, Transport::Udp)
    };
    let chaos = dns(
        "golden.yaml",
        Config::from_corefile(
            ".:53 {\n    chaos CoreDNS-sim bob alice\n    kubernetes cluster.local\n}\n",
        )
        .unwrap(),
    );
    let kubeadm = dns("golden.yaml", Config::kubeadm());
    let plain = dns("golden.yaml", Config::default());
    /// (rule, server, name, type, class, rcode, answer)
    type Row<'a> = (
        &'a str,
        &'a ClusterDns,
        &'a str,
        RecordType,
        DNSClass,
        ResponseCode,
        &'a [&'a str],
    );
    let cases: &[Row<'_>] = &[
        (
            "46 version.bind: the version, TTL 0, class CH",
            &chaos,
            "Version.Bind.",
            TXT,
            DNSClass::CH,
            NoError,
            &["Version.Bind. 0 CH TXT CoreDNS-sim"],
        ),
        (
            "46 version.server too",
            &chaos,
            "version.server.",
            TXT,
            DNSClass::CH,
            NoError,
            &["version.server. 0 CH TXT CoreDNS-sim"],
        ),
        (
            "46 authors.bind: one TXT per author, sorted",
            &chaos,
            "authors.bind.",
            TXT,
            DNSClass::CH,
            NoError,
            &["authors.bind. 0 CH TXT alice", "authors.bind. 0 CH TXT bob"],
        ),
        (
            "46 hostname.bind: the simulated server's name",
            &chaos,
            "hostname.bind.",
            TXT,
            DNSClass::CH,
            NoError,
            &["hostname.bind. 0 CH TXT localhost"],
        ),
        (
            "46 CH but not TXT: passed on, kubernetes passes it on, SERVFAIL",
            &chaos,
            "version.bind.",
            A,
            DNSClass::CH,
            ServFail,
            &[],
        ),
        (
            "46 IN TXT version.bind: not chaos's",
            &chaos,
            "version.bind.",
            TXT,
            DNSClass::IN,
            ServFail,
            &[],
        ),
        (
            "31 forward lets CH through (kubeadm): the upstream's NXDOMAIN",
            &kubeadm,
            "version.bind.",
            TXT,
            DNSClass::CH,
            NXDomain,
            &[],
        ),
        (
            "31 no chaos, no forward: another class is REFUSED",
            &plain,
            "version.bind.",
            TXT,
            DNSClass::CH,
            Refused,
            &[],
        ),
    ];
    for (rule, dns, name, qtype, class, rcode, answer) in cases {
        let reply = ask_class(dns, name, *qtype, *class);
        assert_eq!(reply.metadata.response_code, *rcode, "{rule}");
        assert_eq!(lines(&reply.answers), *answer, "{rule}");
        assert!(!reply.metadata.authoritative, "{rule}");
    }
    // No authors written: CoreDNS's own owners (zowners.go of v1.14.7), 29 handles, in the
    // file's order (CoreDNS shuffles them per answer); the version is CoreDNS's.
    for corefile in [
        ".:53 {\n    chaos\n}\n",
        ".:53 {\n    chaos CoreDNS-sim\n}\n",
    ] {
        let config = Config::from_corefile(corefile).unwrap();
        assert!(
            config.not_simulated.is_empty(),
            "{:?}",
            config.not_simulated
        );
        // Over TCP: 29 TXT records do not fit a 512-byte UDP reply.
        let reply = ask_over(
            &dns("golden.yaml", config),
            "authors.bind.",
            TXT,
            DNSClass::CH,
            Transport::Tcp,
        );
        let authors = lines(&reply.answers);
        assert_eq!(
            (
                authors.len(),
                authors.first().map(String::as_str),
                authors.last().map(String::as_str)
            ),
            (
                29,
                Some("authors.bind. 0 CH TXT Tantalor93"),
                Some("authors.bind. 0 CH TXT zouyee")
            ),
            "46 authors.bind without authors: {corefile}"
        );
        assert!(
            authors.contains(&"authors.bind. 0 CH TXT miekg".to_owned()),
            "46 {authors:?}"
        );
    }
}

#[test]
fn autopath_walks_the_pods_search_path_on_the_server() {
    let corefile = ".:53 {
    autopath @kubernetes
    kubernetes cluster.local {
        pods verified
    }
    forward . 10.0.0.10
}
";
    let files = std::collections::BTreeMap::from([(
        "/etc/resolv.conf",
        "search corp.example\nnameserver 10.0.0.10\n",
    )]);
    let config = Config::from_corefile_with_files(corefile, files)
        .unwrap()
        .with_upstream(upstream());
    assert!(
        config.not_simulated.is_empty(),
        "{:?}",
        config.not_simulated
    );
    let server = dns("autopath.yaml", config);
    let pod = "10.244.0.50:40000";
    let stranger = "10.244.9.9:40000";
    // (rule, name, client, rcode, answer)
    type Case<'a> = (&'a str, &'a str, &'a str, ResponseCode, &'a [&'a str]);
    let cases: &[Case<'_>] = &[
        (
            "47 the first candidate exists: answered as asked, no CNAME",
            "cart.shop.svc.cluster.local.",
            pod,
            NoError,
            &["cart.shop.svc.cluster.local. 5 IN A 10.96.5.5"],
        ),
        (
            "47 web in another namespace: <name>.svc.<zone> answers, with a CNAME from the asked name",
            "web.default.shop.svc.cluster.local.",
            pod,
            NoError,
            &[
                "web.default.shop.svc.cluster.local. 5 IN CNAME web.default.svc.cluster.local.",
                "web.default.svc.cluster.local. 5 IN A 10.96.0.20",
            ],
        ),
        (
            "47 an external name: the walk ends at the name itself, through forward",
            "www.example.com.shop.svc.cluster.local.",
            pod,
            NoError,
            &[
                "www.example.com.shop.svc.cluster.local. 300 IN CNAME www.example.com.",
                "www.example.com. 300 IN A 93.184.215.14",
            ],
        ),
        (
            "47 the resolv.conf search domain is tried before the name itself",
            "printer.shop.svc.cluster.local.",
            pod,
            NoError,
            &[
                "printer.shop.svc.cluster.local. 60 IN CNAME printer.corp.example.",
                "printer.corp.example. 60 IN A 198.51.100.9",
            ],
        ),
        (
            "47 a client that is no known Pod: the plain answer (NXDOMAIN)",
            "web.default.shop.svc.cluster.local.",
            stranger,
            NXDomain,
            &[],
        ),
        (
            "47 a name not under the Pod's first search domain: the plain answer",
            "web.default.svc.cluster.local.",
            pod,
            NoError,
            &["web.default.svc.cluster.local. 5 IN A 10.96.0.20"],
        ),
        (
            "47 every candidate NXDOMAIN: the first reply, as asked",
            "nothing.shop.svc.cluster.local.",
            pod,
            NXDomain,
            &[],
        ),
    ];
    for (rule, name, client, rcode, answer) in cases {
        let reply = ask(&server, name, A, 9, client).unwrap();
        assert_eq!(reply.metadata.response_code, *rcode, "{rule}");
        assert_eq!(lines(&reply.answers), *answer, "{rule}");
        assert_eq!(
            reply.queries[0].name().to_string(),
            *name,
            "{rule}: the question as asked"
        );
    }
    // Without `pods verified` the plugin gives no search path: the plain answer.
    let plain = Config::from_corefile(
        ".:53 {\n    autopath @kubernetes\n    kubernetes cluster.local {\n        pods insecure\n    }\n}\n",
    )
    .unwrap();
    let reply = ask(
        &dns("autopath.yaml", plain),
        "web.default.shop.svc.cluster.local.",
        A,
        9,
        pod,
    )
    .unwrap();
    assert_eq!(
        reply.metadata.response_code, NXDomain,
        "47 pods insecure: no autopath"
    );
}
