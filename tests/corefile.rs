//! Reading Corefiles: each test names the rule it checks.

use std::net::IpAddr;

use k8s_dns_sim::{Config, CorefileError, Fallthrough, KubernetesConfig, PodMode};

fn read(text: &str) -> Config {
    match Config::from_corefile(text) {
        Ok(config) => config,
        Err(err) => panic!("{text:?} should read, got {err}"),
    }
}

fn error(text: &str) -> CorefileError {
    match Config::from_corefile(text) {
        Ok(config) => panic!("{text:?} should fail, read {config:?}"),
        Err(err) => err,
    }
}

fn zones(config: &Config) -> Vec<String> {
    config
        .kubernetes()
        .unwrap()
        .zones
        .iter()
        .map(ToString::to_string)
        .collect()
}

fn fallthrough_zones(config: &Config) -> Option<Vec<String>> {
    match &config.kubernetes().unwrap().fallthrough {
        Fallthrough::Zones(zones) => Some(zones.iter().map(ToString::to_string).collect()),
        _ => None,
    }
}

/// Wraps `body` (options of `kubernetes`) in a server block; the options start on line 3.
fn with_options(body: &str) -> String {
    format!(".:53 {{\n    kubernetes cluster.local {{\n{body}\n    }}\n}}\n")
}

fn not_simulated(config: &Config) -> Vec<(usize, String)> {
    config
        .not_simulated
        .iter()
        .map(|n| (n.line, n.directive.clone()))
        .collect()
}

#[test]
fn rule_kubeadm_default_corefile_matches_config_kubeadm() {
    let text = include_str!("../fixtures/corefiles/kubeadm.Corefile");
    let config = read(text);
    let kubeadm = Config::kubeadm();
    assert_eq!(
        config.kubernetes().unwrap().zones,
        kubeadm.kubernetes().unwrap().zones
    );
    assert_eq!(
        config.kubernetes().unwrap().ttl,
        kubeadm.kubernetes().unwrap().ttl
    );
    assert_eq!(
        config.kubernetes().unwrap().pods,
        kubeadm.kubernetes().unwrap().pods
    );
    assert_eq!(
        config.kubernetes().unwrap().fallthrough,
        kubeadm.kubernetes().unwrap().fallthrough
    );
    assert!(config.kubernetes().unwrap().server_addresses.is_empty());
    assert!(!config.allows_transfer());
    assert_eq!(not_simulated(&config), vec![(16, "cache".to_owned())]);
}

#[test]
fn rule_zones_are_inherited_from_server_block_keys() {
    let cases: &[(&str, &[&str])] = &[
        (".:53 {\n kubernetes\n}\n", &["."]),
        ("cluster.local:53 {\n kubernetes\n}\n", &["cluster.local."]),
        (
            "dns://Cluster.Local.:53 {\n kubernetes\n}\n",
            &["cluster.local."],
        ),
        (
            "cluster.local in-addr.arpa {\n kubernetes\n}\n",
            &["cluster.local.", "in-addr.arpa."],
        ),
        (
            "cluster.local:53, example.org:53 {\n kubernetes\n}\n",
            &["cluster.local.", "example.org."],
        ),
        (
            "cluster.local,\n  example.org {\n kubernetes\n}\n",
            &["cluster.local.", "example.org."],
        ),
        ("cluster.local\n{\n kubernetes\n}\n", &["cluster.local."]),
        (
            "10.0.0.0/23 cluster.local {\n kubernetes\n}\n",
            &[
                "0.0.10.in-addr.arpa.",
                "1.0.10.in-addr.arpa.",
                "cluster.local.",
            ],
        ),
        // Zones written on the directive replace the keys.
        (
            ".:53 {\n kubernetes Cluster.Local 10.0.0.0/8 dns://example.org:53\n}\n",
            &["cluster.local.", "10.in-addr.arpa.", "example.org."],
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(zones(&read(text)), *expected, "{text}");
    }
}

#[test]
fn rule_every_kubernetes_option() {
    let config = read(&with_options(
        "        endpoint https://10.0.0.1:6443\n\
         \x20       tls cert.pem key.pem ca.pem\n\
         \x20       kubeconfig /etc/kube.conf admin\n\
         \x20       startup_timeout 10s\n\
         \x20       apiserver_qps 50.5\n\
         \x20       apiserver_burst 100\n\
         \x20       apiserver_max_inflight 0\n\
         \x20       namespaces default kube-system\n\
         \x20       namespaces default prod\n\
         \x20       pods verified\n\
         \x20       endpoint_pod_names\n\
         \x20       ttl 0\n\
         \x20       noendpoints\n\
         \x20       ignore empty_service\n\
         \x20       fallthrough example.org 10.0.0.0/8\n\
         \x20       multicluster cluster.local",
    ));
    assert_eq!(
        config.kubernetes().unwrap().namespaces,
        ["default", "kube-system", "prod"]
    );
    assert_eq!(config.kubernetes().unwrap().pods, PodMode::Verified);
    assert!(config.kubernetes().unwrap().endpoint_pod_names);
    assert_eq!(config.kubernetes().unwrap().ttl, 0);
    assert!(config.kubernetes().unwrap().noendpoints);
    assert!(config.kubernetes().unwrap().ignore_empty_service);
    assert_eq!(
        fallthrough_zones(&config),
        Some(vec![
            "example.org.".to_owned(),
            "10.in-addr.arpa.".to_owned()
        ])
    );
    assert_eq!(config.kubernetes().unwrap().multicluster_zones.len(), 1);
    assert!(config.not_simulated.is_empty());

    type Check = fn(&KubernetesConfig) -> bool;
    let cases: &[(&str, Check)] = &[
        ("pods disabled", |c| c.pods == PodMode::Disabled),
        ("pods insecure", |c| c.pods == PodMode::Insecure),
        ("ttl 3600", |c| c.ttl == 3600),
        ("ttl +30", |c| c.ttl == 30),
        ("fallthrough", |c| c.fallthrough == Fallthrough::All),
        ("fallthrough .", |c| c.fallthrough == Fallthrough::All),
        ("zonal", |c| c.zonal),
        ("multicluster", |c| c.multicluster_zones.is_empty()),
        // Repeated options: the last one wins, as in setup.go.
        ("pods insecure\npods verified", |c| {
            c.pods == PodMode::Verified
        }),
        ("ttl 10\nttl 20", |c| c.ttl == 20),
        (
            "fallthrough\nfallthrough in-addr.arpa",
            |c| matches!(&c.fallthrough, Fallthrough::Zones(z) if z.len() == 1),
        ),
        ("", |c| *c == KubernetesConfig::default()),
    ];
    for (options, check) in cases {
        let config = read(&with_options(options));
        assert!(check(config.kubernetes().unwrap()), "{options}: {config:?}");
    }
}

#[test]
fn rule_label_selectors_are_accepted_but_not_simulated() {
    let config = read(&with_options(
        "        labels environment in (staging, qa),app=nginx\n        labels app=web",
    ));
    assert_eq!(
        not_simulated(&config),
        vec![(4, "kubernetes/labels".to_owned())]
    );
    assert!(config.not_simulated[0].reason.contains("`app=web`"));

    let config = read(&with_options("        namespace_labels team=a"));
    assert_eq!(
        not_simulated(&config),
        vec![(3, "kubernetes/namespace_labels".to_owned())]
    );
}

#[test]
fn rule_one_line_blocks() {
    // `{ }` on one line is an empty block. A `}` after an option is an error (see
    // `rule_errors_name_the_line`): CoreDNS reads it as that option's argument.
    let config = read(".:53 {\n    kubernetes cluster.local { }\n}\n");
    assert_eq!(zones(&config), ["cluster.local."]);
    let config = read(".:53 {\n    kubernetes cluster.local {\n    }\n    health { }\n}\n");
    assert_eq!(config.kubernetes().unwrap().ttl, 5);
    // One server block may go without braces; it runs to the end of the file.
    let config = read("cluster.local\nkubernetes\nforward . 8.8.8.8\n");
    assert_eq!(zones(&config), ["cluster.local."]);
}

#[test]
fn rule_comments_and_quotes() {
    let config = read(
        "# a comment\n.:53 { # the root\n  kubernetes \"Cluster.Local\" {# open\n    pods \"insecure\"#x\n    ttl 30#comment\n    labels \"app in (a, b)\"\n  }\n}\n",
    );
    assert_eq!(zones(&config), ["cluster.local."]);
    assert_eq!(config.kubernetes().unwrap().pods, PodMode::Insecure);
    assert_eq!(config.kubernetes().unwrap().ttl, 30);
    assert!(config.not_simulated[0].reason.contains("`app in (a, b)`"));
}

#[test]
fn rule_snippets_are_spliced() {
    let config = read(
        "(common) {\n    errors\n    cache 30\n}\n.:53 {\n    import common\n    kubernetes cluster.local\n}\n",
    );
    assert_eq!(zones(&config), ["cluster.local."]);
    // Lines of spliced tokens are those of the snippet, as in Caddy.
    assert_eq!(not_simulated(&config), vec![(3, "cache".to_owned())]);
}

#[test]
fn rule_bind_gives_server_addresses() {
    let cases: &[(&str, &[&str], &[&str])] = &[
        ("bind 10.0.0.10", &["10.0.0.10"], &[]),
        (
            "bind 10.0.0.10 fd00::10\n    bind 10.0.0.11",
            &["10.0.0.10", "fd00::10", "10.0.0.11"],
            &[],
        ),
        (
            "bind 10.0.0.10 10.0.0.11 {\n        except 10.0.0.11\n    }",
            &["10.0.0.10"],
            &[],
        ),
        ("bind eth0 10.0.0.10", &["10.0.0.10"], &["bind"]),
        ("bind 127.0.0.1", &[], &["bind"]),
    ];
    for (bind, addresses, notes) in cases {
        let config = read(&format!(".:53 {{\n    {bind}\n    kubernetes\n}}\n"));
        let expected: Vec<IpAddr> = addresses.iter().map(|a| a.parse().unwrap()).collect();
        assert_eq!(
            config.kubernetes().unwrap().server_addresses,
            expected,
            "{bind}"
        );
        let found: Vec<String> = config
            .not_simulated
            .iter()
            .map(|n| n.directive.clone())
            .collect();
        assert_eq!(found, *notes, "{bind}");
    }
}

#[test]
fn rule_transfer_block_allows_transfers() {
    let config =
        read(".:53 {\n    kubernetes cluster.local\n    transfer {\n        to *\n    }\n}\n");
    assert!(config.allows_transfer());
    let config = read(
        ".:53 {\n    kubernetes cluster.local\n    transfer cluster.local {\n        to 10.0.0.1 [fd00::1]:53\n        source 10.0.0.2\n    }\n}\n",
    );
    assert!(config.allows_transfer());
    let config = read(
        ".:53 {\n    kubernetes cluster.local\n    transfer example.org {\n        to *\n    }\n}\n",
    );
    assert!(!config.allows_transfer());
    assert_eq!(not_simulated(&config), vec![]);
    // A transfer of some of the plugin's zones allows those only.
    let config = read(
        ".:53 {\n    kubernetes cluster.local example.local\n    transfer example.local {\n        to *\n    }\n}\n",
    );
    let zone = |text: &str| {
        text.parse::<k8s_dns_sim::hickory_proto::rr::Name>()
            .unwrap()
    };
    assert!(config.allows_transfer());
    assert!(config.allows_transfer_of(&zone("example.local.")));
    assert!(!config.allows_transfer_of(&zone("cluster.local.")));
}

/// CoreDNS does not start with `zonal` beside `noendpoints` (zonal names come from the
/// endpoint cache that `noendpoints` turns off): the Corefile reader and the `Config` builder
/// (in either order) refuse exactly that combination, and agree on every other one.
#[test]
fn rule_zonal_with_noendpoints_is_refused_by_the_corefile_and_the_builder() {
    for (zonal, noendpoints) in [(false, false), (true, false), (false, true), (true, true)] {
        let mut options = Vec::new();
        if noendpoints {
            options.push("        noendpoints");
        }
        if zonal {
            options.push("        zonal");
        }
        let read = Config::from_corefile(&with_options(&options.join("\n")));
        let zonal_first = Config::default()
            .with_zonal(zonal)
            .and_then(|config| config.with_noendpoints(noendpoints));
        let noendpoints_first = Config::default()
            .with_noendpoints(noendpoints)
            .and_then(|config| config.with_zonal(zonal));
        let refused = zonal && noendpoints;
        let case = format!("zonal {zonal}, noendpoints {noendpoints}");
        assert_eq!(read.is_err(), refused, "{case}: {read:?}");
        assert_eq!(zonal_first.is_err(), refused, "{case}");
        assert_eq!(noendpoints_first.is_err(), refused, "{case}");
        match (read, zonal_first, noendpoints_first) {
            (Ok(read), Ok(built), Ok(other)) => {
                let kubernetes = read.kubernetes().unwrap();
                assert_eq!(
                    (kubernetes.zonal, kubernetes.noendpoints),
                    (zonal, noendpoints)
                );
                assert_eq!(built.kubernetes(), other.kubernetes(), "{case}");
                assert_eq!(
                    (
                        built.kubernetes().unwrap().zonal,
                        built.kubernetes().unwrap().noendpoints
                    ),
                    (zonal, noendpoints),
                    "{case}"
                );
            }
            (Err(read), Err(built), Err(other)) => {
                assert_eq!(built, other);
                // The same reason, in the same words, from both doors.
                assert!(
                    read.to_string().ends_with(&built.to_string()),
                    "{read} / {built}"
                );
            }
            _ => unreachable!("the three agree on refusing, checked above"),
        }
    }
}

#[test]
fn rule_first_of_several_kubernetes_server_blocks_is_read() {
    let config = read(
        "example.org {\n    forward . 8.8.8.8\n}\n\
         cluster.local {\n    kubernetes {\n        ttl 10\n    }\n}\n\
         other.local {\n    kubernetes\n}\n",
    );
    // Rule 39: every block is kept; `kubernetes()` is the first plugin, each block has its own.
    assert_eq!(zones(&config), ["cluster.local."]);
    assert_eq!(config.kubernetes().unwrap().ttl, 10);
    assert_eq!(config.servers.len(), 3);
    let plugins: Vec<Vec<&str>> = config
        .servers
        .iter()
        .map(|block| block.plugins.iter().map(|plugin| plugin.name()).collect())
        .collect();
    assert_eq!(plugins, [["forward"], ["kubernetes"], ["kubernetes"]]);
    let all: Vec<String> = config
        .kubernetes_plugins()
        .map(|kubernetes| kubernetes.zones[0].to_string())
        .collect();
    assert_eq!(all, ["cluster.local.", "other.local."]);
    assert_eq!(not_simulated(&config), vec![]);
}

#[test]
fn rule_not_simulated_and_silent_plugins() {
    let config = read(
        ".:53 {\n    errors\n    log\n    health\n    ready\n    prometheus :9153\n    reload\n    loop\n    debug\n    pprof\n\
         \x20   rewrite ttl foo.example.com 30\n    template IN A example.org {\n        answer \"{{ .Name }} 60 IN A 10.0.0.1\"\n    }\n\
         \x20   autopath @kubernetes\n    hosts {\n        fallthrough\n    }\n    bufsize 1232\n    kubernetes\n}\n",
    );
    assert_eq!(
        not_simulated(&config),
        vec![(11, "rewrite/ttl".to_owned()), (19, "bufsize".to_owned())]
    );
}

#[test]
fn rule_errors_name_the_line() {
    let cases: &[(String, &str)] = &[
        (
            with_options("        pods"),
            "line 3: `pods`: expected one argument (disabled, insecure or verified), found none",
        ),
        (
            with_options("        pods secure"),
            "line 3: `pods`: expected one of disabled, insecure or verified, found `secure`",
        ),
        (
            with_options("        pods insecure verified"),
            "line 3: `pods`: expected one argument (disabled, insecure or verified), found 2: `insecure verified`",
        ),
        (
            with_options("        ttl"),
            "line 3: `ttl`: expected one argument (an integer from 0 to 3600), found none",
        ),
        (
            with_options("        ttl 3601"),
            "line 3: `ttl`: expected an integer from 0 to 3600, found `3601`",
        ),
        (
            with_options("        ttl -1"),
            "line 3: `ttl`: expected an integer from 0 to 3600, found `-1`",
        ),
        (
            with_options("        ttl 3s"),
            "line 3: `ttl`: expected an integer from 0 to 3600, found `3s`",
        ),
        (
            with_options("        endpoint_pod_names yes"),
            "line 3: `endpoint_pod_names`: expected no arguments, found 1: `yes`",
        ),
        (
            with_options("        noendpoints\n        zonal"),
            "line 4: `zonal` needs the endpoint cache, which `noendpoints` turns off: remove one of them",
        ),
        (
            with_options("        ignore empty_services"),
            "line 3: `ignore`: expected empty_service, found `empty_services`",
        ),
        (
            with_options("        ignore"),
            "line 3: `ignore`: expected one argument (empty_service), found none",
        ),
        (
            with_options("        namespaces"),
            "line 3: `namespaces`: expected one or more namespace names, found none",
        ),
        (
            with_options("        tls a b"),
            "line 3: `tls`: expected three arguments (certificate, key and CA certificate files), found 2: `a b`",
        ),
        (
            with_options("        startup_timeout 5"),
            "line 3: `startup_timeout`: expected a duration such as 5s or 1m30s, found `5`",
        ),
        (
            with_options("        apiserver_burst -1"),
            "line 3: `apiserver_burst`: expected an integer, 0 or more, found `-1`",
        ),
        (
            with_options("        multicluster clusterset.local"),
            "line 3: `multicluster`: expected one of the plugin's zones (`cluster.local.`), found `clusterset.local.`",
        ),
        (
            with_options("        namespaces a\n        namespace_labels x=y"),
            "line 4: `namespaces` and `namespace_labels` cannot both be set",
        ),
        (
            with_options("        upstream"),
            "line 3: unknown option `upstream` of `kubernetes`: expected one of endpoint, tls, kubeconfig, apiserver_qps, apiserver_burst, apiserver_max_inflight, namespaces, labels, namespace_labels, pods, endpoint_pod_names, ttl, noendpoints, fallthrough, ignore, multicluster, zonal, startup_timeout",
        ),
        (
            ".:53 {\n    kubernetes cluster.local { pods insecure }\n}\n".to_owned(),
            "line 2: unexpected `}` after `insecure`: a `}` that closes a block must start its own line (CoreDNS would read it as an argument of `pods`)",
        ),
        (
            ".:53 {\n    kubernetes in-addr.arpa\n}\n".to_owned(),
            "line 2: `kubernetes`: expected at least one zone that is not a reverse zone, found only `in-addr.arpa.`",
        ),
        (
            ".:53 {\n    kubernetes\n    kubernetes\n}\n".to_owned(),
            "line 3: `kubernetes` can only be used once per server block; it is already used on line 2",
        ),
        (
            // Rule 39: a zone served twice on one port stops CoreDNS (register.go).
            "a.local {\n    forward . 8.8.8.8\n}\ndns://A.local:53 {\n    kubernetes\n}\n"
                .to_owned(),
            "line 4: the zone `a.local.` on port 53 is already served by the server block on line 1: expected each zone once per port",
        ),
        (
            // The crate's own bound (no CoreDNS rule): CIDRs off a label boundary stand for up to
            // 128 reverse zones each; 33 of them pass MAX_CIDR_ZONES (4,096), here on line 5,
            // whether they are keys or zone arguments.
            format!(
                "{} {{\n    kubernetes cluster.local\n}}\n.:5353 {{\n    kubernetes cluster.local {}\n}}\n",
                (1..=16)
                    .map(|n| format!("{n}.0.0.0/9"))
                    .collect::<Vec<_>>()
                    .join(" "),
                (17..=33)
                    .map(|n| format!("{n}.0.0.0/9"))
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            "line 5: `33.0.0.0/9`: the CIDRs up to here stand for 4224 reverse zones: expected at most 4096 in one Corefile",
        ),
        (
            // The crate's own bound (no CoreDNS rule): a snippet of 100 zones imported into 41
            // blocks gives the `kubernetes` plugins 4,100 zones, past MAX_KUBERNETES_ZONES.
            format!(
                "(zones) {{\n    kubernetes {}\n}}\n{}",
                (0..100)
                    .map(|n| format!("z{n}.local"))
                    .collect::<Vec<_>>()
                    .join(" "),
                (0..41)
                    .map(|n| format!("b{n}.local {{\n    import zones\n}}\n"))
                    .collect::<String>(),
            ),
            "line 2: `kubernetes`: the plugins up to here hold 4100 zones: expected at most 4096 in one Corefile",
        ),
        (
            // A snippet imported into many blocks stops at 100,000 tokens after expansion.
            format!(
                "(big) {{\n    errors {}\n}}\n{}",
                vec!["x"; 999].join(" "),
                (0..101)
                    .map(|n| format!("b{n}.local {{\n    import big\n}}\n"))
                    .collect::<String>(),
            ),
            "line 299: `import big`: the Corefile grows past 100000 tokens with this snippet: expected at most 100000 after snippets are expanded",
        ),
        (
            // The crate's own bound (rule 52; no CoreDNS limit past 10000 characters): the
            // Corefile's expressions may be charged 2 MiB together, and `([a-z]{1000})` is
            // charged 256 KiB (it compiles to 81 KB), so the ninth, on line 10, is refused.
            format!(
                ".:53 {{\n{}    kubernetes cluster.local\n}}\n",
                "    rewrite name regex ([a-z]{1000}) x\n".repeat(9)
            ),
            "line 10: `rewrite`: expected a regular expression that compiles within what the Corefile's expressions have left (0 of 2097152 bytes; docs/coredns-rules.md, rule 52), found `([a-z]{1000})`",
        ),
        (
            // The same budget, shared with `template`'s `match` (rule 50): eight rewrites take it
            // all, and the template's expression on line 11 is refused.
            format!(
                ".:53 {{\n{}    template IN A {{\n        match ^x\n    }}\n    kubernetes cluster.local\n}}\n",
                "    rewrite name regex ([a-z]{1000}) x\n".repeat(8)
            ),
            "line 11: `match` of `template`: expected a regular expression that compiles within what the Corefile's expressions have left (0 of 2097152 bytes; docs/coredns-rules.md, rule 52), found `^x`",
        ),
        (
            // Rule 52: Go's `\pL` is Unicode, which the simulator's ASCII expressions refuse.
            ".:53 {\n    rewrite name regex (\\pL+) x\n    kubernetes\n}\n".to_owned(),
            "line 2: `rewrite`: expected a regular expression (RE2 syntax, as Go's regexp), found `(\\pL+)`",
        ),
        (
            String::new(),
            "line 1: the Corefile has no server block: expected at least one, such as `.:53 { … }`",
        ),
        (
            ".:53 {\n    kubernetes\n    coredns\n}\n".to_owned(),
            "line 3: unknown directive `coredns`: expected the name of a CoreDNS plugin (see plugin.cfg)",
        ),
        (
            ".:53 { kubernetes }\n".to_owned(),
            "line 1: unexpected `}` after `kubernetes`: a `}` that closes a block must start its own line (CoreDNS reads a `}` on a directive's line as part of that directive)",
        ),
        (
            ".:53 {\n    kubernetes {\n        pods insecure\n".to_owned(),
            "line 3: the block of `kubernetes` opened on line 2 is not closed: expected `}`, found the end of the Corefile",
        ),
        (
            ".:53 {\n    kubernetes\n".to_owned(),
            "line 2: the server block `.:53` opened on line 1 is not closed: expected `}`, found the end of the Corefile",
        ),
        (
            "}\n".to_owned(),
            "line 1: unexpected `}`: no block is open here",
        ),
        (
            ".:53 {\n    kubernetes \"cluster.local\n}\n".to_owned(),
            "line 2: a quoted token opened here is never closed: expected a closing `\"`, found the end of the Corefile",
        ),
        (
            "{$ZONE}:53 {\n    kubernetes\n}\n".to_owned(),
            "line 1: `{$ZONE}` is environment variable substitution, which is not supported: substitute the value before reading the Corefile",
        ),
        (
            // Rule 42: a plain file that is not there (a glob matching nothing is no error).
            ".:53 {\n    import custom/extra.override\n    kubernetes\n}\n".to_owned(),
            "line 2: `import custom/extra.override`: no snippet `(custom/extra.override)` is defined above, and no file `/etc/coredns/custom/extra.override` was provided",
        ),
        (
            "a.local,b.local {\n    kubernetes\n}\n".to_owned(),
            "line 1: `a.local,b.local` is a single key to CoreDNS: separate server block keys with spaces or `, `",
        ),
        (
            "example.org: {\n    kubernetes\n}\n".to_owned(),
            "line 1: server block key: expected a port number after `:`, found `example.org:`",
        ),
        (
            ".:99999 {\n    kubernetes\n}\n".to_owned(),
            "line 1: server block key: expected a port number from 0 to 65535 after `:`, found `.:99999`",
        ),
        (
            ".:53 {\n    kubernetes\n    bind\n}\n".to_owned(),
            "line 3: `bind`: expected one or more addresses or interface names, found none",
        ),
        (
            ".:53 {\n    kubernetes\n    transfer\n}\n".to_owned(),
            "line 3: `transfer`: expected a block with `to ADDRESS…`, found none",
        ),
        (
            ".:53 {\n    kubernetes\n    transfer {\n        from *\n    }\n}\n".to_owned(),
            "line 4: unknown option `from` of `transfer`: expected `to` or `source`",
        ),
        // Every kubernetes directive is checked, not only the simulated one.
        (
            "a.local {\n    kubernetes\n}\nb.local {\n    kubernetes {\n        ttl x\n    }\n}\n"
                .to_owned(),
            "line 6: `ttl`: expected an integer from 0 to 3600, found `x`",
        ),
    ];
    for (text, expected) in cases {
        let err = error(text);
        assert_eq!(err.to_string(), *expected, "{text}");
    }
}

#[test]
fn rule_no_panic_on_odd_input() {
    let inputs = [
        "{",
        "}",
        "{}",
        "((",
        "(a) {",
        "(a) {\n import a\n}\n.:53 {\n import a\n kubernetes\n}\n",
        "\"",
        "import",
        "import a b",
        ".:53 {\n kubernetes {\n {\n }\n }\n}\n",
        "a,",
        ",",
        ".:53 {\n kubernetes { pods\n}\n}\n",
        "\u{0}\u{feff}",
        "(x) {\n import y\n}\n(y) {\n import x\n}\n.:53 {\n import x\n kubernetes\n}\n",
        "1.2.3.4/33 {\n kubernetes\n}\n",
        "::/0 {\n kubernetes\n}\n",
        ".:53 {\n kubernetes\n}\n}\n",
    ];
    for input in inputs {
        let _ = Config::from_corefile(input);
    }
}

mod fuzz {
    use k8s_dns_sim::Config;
    use proptest::prelude::*;

    const PIECES: &[&str] = &[
        "{",
        "}",
        "\n",
        " ",
        "\"",
        "#",
        "\\",
        ",",
        "(s)",
        "import",
        "s",
        "kubernetes",
        "pods",
        "insecure",
        "ttl",
        "30",
        "fallthrough",
        "bind",
        "10.0.0.1",
        "transfer",
        "to",
        "*",
        ".:53",
        "cluster.local",
        "10.0.0.0/17",
        "fd00::/7",
        "{$X}",
        "forward",
        "multicluster",
        "\u{e9}",
        ":",
    ];

    proptest! {
        /// Rule: no input panics; the reader returns a Config or an error naming a line.
        #[test]
        fn rule_any_token_soup_reads_or_errors(pieces in prop::collection::vec(0..PIECES.len(), 0..60)) {
            let text: String = pieces.iter().map(|&i| PIECES[i]).collect::<Vec<_>>().join(" ");
            if let Err(err) = Config::from_corefile(&text) {
                prop_assert!(err.line >= 1);
                prop_assert!(err.line <= text.lines().count().max(1));
            }
        }

        /// Rule: arbitrary text never panics either.
        #[test]
        fn rule_arbitrary_text_never_panics(text in ".{0,200}") {
            let _ = Config::from_corefile(&text);
        }
    }
}
