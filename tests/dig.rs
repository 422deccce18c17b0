//! `dig` as people know it (`k8s_dns_sim::dig`, issue 12 §4): the options as dig reads them,
//! `-x` names, `+short`, the reply in dig 9.18's layout with a reason under NXDOMAIN and
//! REFUSED, `-f -` and `-f DIR/`, and kubeadm's Corefile when the input names no
//! configuration. The layouts were compared byte for byte (timings, id and server aside) with
//! dig 9.18 asking the `serve` example.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
mod support;

use k8s_dns_sim::Transport;
use k8s_dns_sim::dig::{
    self, ConfigChoice, DigOptions, GraphFormat, Invocation, ManifestSource, PodChoice,
};
use k8s_dns_sim::hickory_proto::rr::RecordType;

/// Parses `args`: the options, or the usage error's line (`--help` panics: not a case here).
fn parse(args: &[&str]) -> Result<DigOptions, String> {
    match DigOptions::parse(args.iter().copied()) {
        Ok(Invocation::Dig(options)) => Ok(*options),
        Ok(Invocation::Help) => panic!("{args:?} asked for help"),
        Err(error) => Err(error.to_string()),
    }
}

/// Runs `dig::run` over `args` with `stdin` from the repository root: (stdout, stderr).
fn run(args: &[&str], stdin: &str) -> (String, String) {
    let options = parse(args).unwrap_or_else(|error| panic!("{args:?}: {error}"));
    let (mut out, mut err) = (Vec::new(), Vec::new());
    dig::run(&options, &mut stdin.as_bytes(), &mut out, &mut err)
        .unwrap_or_else(|error| panic!("{args:?}: {error}"));
    (
        String::from_utf8(out).expect("UTF-8 output"),
        String::from_utf8(err).expect("UTF-8 output"),
    )
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(name),
    )
    .expect("fixture reads")
}

#[test]
fn options_read_as_dig_reads_them() {
    type Expect = Result<fn(&mut DigOptions), &'static str>;
    // (rule, arguments, the options beyond `-f m.yaml NAME`'s defaults, or the error's line)
    let cases: &[(&str, &[&str], Expect)] = &[
        (
            "defaults: A, UDP, EDNS 1232, RD",
            &["-f", "m.yaml", "web"],
            Ok(|_| {}),
        ),
        (
            "a positional type after the name",
            &["-f", "m.yaml", "web", "SRV"],
            Ok(|o| {
                o.qtype = RecordType::SRV;
                o.qtype_given = true;
            }),
        ),
        (
            "a positional type before the name, in lower case (dig takes it anywhere)",
            &["-f", "m.yaml", "aaaa", "web"],
            Ok(|o| {
                o.qtype = RecordType::AAAA;
                o.qtype_given = true;
            }),
        ),
        (
            "-t wins over a positional type",
            &["-f", "m.yaml", "-t", "txt", "web", "A"],
            Ok(|o| {
                o.qtype = RecordType::TXT;
                o.qtype_given = true;
            }),
        ),
        (
            "class IN is accepted and changes nothing",
            &["-f", "m.yaml", "web", "IN", "-c", "in"],
            Ok(|_| {}),
        ),
        (
            "query options: +short +tcp +norecurse +noedns",
            &[
                "-f",
                "m.yaml",
                "web",
                "+short",
                "+tcp",
                "+norecurse",
                "+noedns",
            ],
            Ok(|o| {
                o.short = true;
                o.transport = Transport::Tcp;
                o.recurse = false;
                o.edns = None;
            }),
        ),
        (
            "+bufsize=N sets the EDNS size; +vc is +tcp; the last of +tcp/+notcp wins",
            &["-f", "m.yaml", "web", "+bufsize=512", "+vc", "+notcp"],
            Ok(|o| o.edns = Some(512)),
        ),
        (
            "+noedns then +edns sends EDNS with the default size again",
            &["-f", "m.yaml", "web", "+noedns", "+edns"],
            Ok(|_| {}),
        ),
        (
            "the example's own --tcp and --edns N",
            &["-f", "m.yaml", "web", "--tcp", "--edns", "4096"],
            Ok(|o| {
                o.transport = Transport::Tcp;
                o.edns = Some(4096);
            }),
        ),
        (
            "@server and -p are kept only for the note",
            &["-f", "m.yaml", "@10.96.0.10", "-p", "53", "web"],
            Ok(|o| o.ignored_server = vec!["@10.96.0.10".into(), "-p 53".into()]),
        ),
        (
            "several -f, - for standard input, in order",
            &["-f", "m.yaml", "-f", "-", "--file", "dir/", "web"],
            Ok(|o| {
                o.manifests.extend([
                    ManifestSource::Stdin,
                    ManifestSource::Path(PathBuf::from("dir/")),
                ]);
            }),
        ),
        (
            "--corefile",
            &["-f", "m.yaml", "--corefile", "Corefile", "web"],
            Ok(|o| o.config = ConfigChoice::Corefile(PathBuf::from("Corefile"))),
        ),
        (
            "--plugin-defaults",
            &["-f", "m.yaml", "--plugin-defaults", "web"],
            Ok(|o| o.config = ConfigChoice::PluginDefaults),
        ),
        (
            "-x builds the reverse name and asks PTR",
            &["-f", "m.yaml", "-x", "10.96.0.20"],
            Ok(|o| {
                o.name = "20.0.96.10.in-addr.arpa.".into();
                o.reverse = Some(IpAddr::from([10, 96, 0, 20]));
                o.qtype = RecordType::PTR;
                o.qtype_given = true;
            }),
        ),
        (
            "--explain, --lint, --graph dot, --json are read (their printing is wired later)",
            &[
                "-f",
                "m.yaml",
                "--explain",
                "--lint",
                "--graph",
                "dot",
                "--json",
                "web",
            ],
            Ok(|o| {
                o.explain = true;
                o.lint = true;
                o.graph = Some(GraphFormat::Dot);
                o.json = true;
            }),
        ),
        (
            "--graph alone is Mermaid, and does not swallow the name",
            &["-f", "m.yaml", "--graph", "web"],
            Ok(|o| o.graph = Some(GraphFormat::Mermaid)),
        ),
        (
            "pod mode",
            &[
                "-f",
                "m.yaml",
                "--from-pod",
                "shop/web-0",
                "--family",
                "inet6",
                "--hosts",
                "web",
            ],
            Ok(|o| {
                o.pod = Some(PodChoice::Named("shop/web-0".into()));
                o.family = k8s_dns_sim::resolver::Family::Inet6;
                o.hosts = true;
            }),
        ),
        (
            "no -f",
            &["web"],
            Err("no manifests: give -f FILE (or -f - for standard input, -f DIR/ for a folder)"),
        ),
        ("no name", &["-f", "m.yaml"], Err("no name to look up")),
        (
            "no name for --explain: it explains a question",
            &["-f", "m.yaml", "--explain", "--graph"],
            Err("no name to look up"),
        ),
        (
            "--graph without a name asks nothing",
            &["-f", "m.yaml", "--graph"],
            Ok(|o| {
                o.name = String::new();
                o.graph = Some(GraphFormat::Mermaid);
            }),
        ),
        (
            "two names",
            &["-f", "m.yaml", "web", "db"],
            Err("one name at a time: \"web\" and \"db\""),
        ),
        (
            "-f without its file",
            &["web", "-f"],
            Err("-f needs a file (or - for standard input, or a folder)"),
        ),
        (
            "standard input twice",
            &["-f", "-", "-f", "-", "web"],
            Err("-f - given twice: standard input reads once"),
        ),
        (
            "an unknown option",
            &["-f", "m.yaml", "--nope", "web"],
            Err("unknown option --nope"),
        ),
        (
            "an unknown query option",
            &["-f", "m.yaml", "+nope", "web"],
            Err("unknown query option +nope"),
        ),
        (
            "+short is not an unknown type any more, but +shorty is an unknown option",
            &["-f", "m.yaml", "+shorty", "web"],
            Err("unknown query option +shorty"),
        ),
        (
            "an unknown -t type",
            &["-f", "m.yaml", "-t", "AX", "web"],
            Err("unknown record type \"AX\""),
        ),
        (
            "a bad +bufsize",
            &["-f", "m.yaml", "+bufsize=70000", "web"],
            Err("+bufsize: expected a size from 0 to 65535, found \"70000\""),
        ),
        (
            "+bufsize without a value",
            &["-f", "m.yaml", "+bufsize", "web"],
            Err("+bufsize needs =N"),
        ),
        (
            "EDNS versions other than 0",
            &["-f", "m.yaml", "+edns=1", "web"],
            Err("+edns=1: only EDNS version 0 is simulated"),
        ),
        (
            "-x of something that is not an address",
            &["-f", "m.yaml", "-x", "10.96.0"],
            Err("-x: expected an IPv4 or IPv6 address, found \"10.96.0\""),
        ),
        (
            "-x and a name",
            &["-f", "m.yaml", "-x", "10.96.0.1", "web"],
            Err("-x builds the name, and \"web\" is a second one: give one"),
        ),
        (
            "a class other than IN",
            &["-f", "m.yaml", "web", "CH"],
            Err("only class IN is simulated, not CH"),
        ),
        (
            "-p that is not a port",
            &["-f", "m.yaml", "-p", "dns", "web"],
            Err("-p: expected a port number, found \"dns\""),
        ),
        (
            "two configurations",
            &[
                "-f",
                "m.yaml",
                "--corefile",
                "C",
                "--plugin-defaults",
                "web",
            ],
            Err("--corefile and --plugin-defaults name two configurations: give one"),
        ),
        (
            "two pods",
            &[
                "-f",
                "m.yaml",
                "--pod-namespace",
                "a",
                "--from-pod",
                "a/b",
                "web",
            ],
            Err("--pod-namespace and --from-pod name two different pods: give one"),
        ),
    ];
    for (rule, args, expect) in cases {
        let got = parse(args);
        match expect {
            Ok(change) => {
                let mut want = DigOptions::default();
                want.manifests = vec![ManifestSource::Path(PathBuf::from("m.yaml"))];
                want.name = "web".into();
                want.command_line = args.iter().map(ToString::to_string).collect();
                change(&mut want);
                assert_eq!(got, Ok(want), "{rule}");
            }
            Err(line) => {
                assert_eq!(got, Err((*line).to_owned()), "{rule}");
                assert!(!line.contains('\n'), "{rule}: one line");
            }
        }
    }
}

#[test]
fn help_is_asked_by_either_spelling() {
    for args in [&["--help"][..], &["-h"], &["-f", "m.yaml", "web", "--help"]] {
        assert_eq!(
            DigOptions::parse(args.iter().copied()),
            Ok(Invocation::Help),
            "{args:?}"
        );
    }
}

#[test]
fn help_describes_every_option_the_parser_reads() {
    // Every option `DigOptions::parse` matches (kept beside the parser's match by this list;
    // an option added there and not here is caught by the options table above failing to
    // name it in `--help`).
    let options = [
        "-f FILE",
        "--file FILE",
        "-f -",
        "-f DIR/",
        "--corefile FILE",
        "--plugin-defaults",
        "-t TYPE",
        "-x ADDR",
        "@SERVER",
        "-p PORT",
        "-c IN",
        "+short",
        "+tcp",
        "+vc",
        "+notcp",
        "+bufsize=N",
        "+edns",
        "+noedns",
        "+recurse",
        "+norecurse",
        "--tcp",
        "--edns N",
        "--pod-namespace NS",
        "--from-pod NS/POD",
        "--resolver LIBRARY",
        "--family FAMILY",
        "--pod-ip ADDR",
        "--hosts",
        "--node-resolv-conf FILE",
        "--explain",
        "--lint",
        "--graph [mermaid|dot]",
        "--json",
        "-h, --help",
    ];
    for option in options {
        assert!(
            dig::HELP.contains(option),
            "--help does not describe {option}"
        );
    }
}

#[test]
fn reverse_names_are_dig_s() {
    // (rule, address, the name -x builds)
    let cases = [
        (
            "IPv4: the octets reversed under in-addr.arpa",
            "10.96.0.20",
            "20.0.96.10.in-addr.arpa.",
        ),
        (
            "IPv4: zero octets are kept",
            "0.0.0.1",
            "1.0.0.0.in-addr.arpa.",
        ),
        (
            "IPv6: 32 nibbles, low first, under ip6.arpa",
            "fd00:10:96::a",
            "a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.6.9.0.0.0.1.0.0.0.0.d.f.ip6.arpa.",
        ),
        (
            "IPv6: an IPv4-mapped address stays IPv6",
            "::ffff:10.0.0.1",
            "1.0.0.0.0.0.a.0.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa.",
        ),
    ];
    for (rule, address, name) in cases {
        assert_eq!(dig::reverse_name(address.parse().unwrap()), name, "{rule}");
        let options = parse(&["-f", "m.yaml", "-x", address]).unwrap();
        assert_eq!(
            (options.name.as_str(), options.qtype),
            (name, RecordType::PTR),
            "{rule}"
        );
    }
}

#[test]
fn short_prints_the_answer_data_only() {
    // (rule, arguments after -f fixtures/golden.yaml, stdout, the start of stderr)
    let cases: &[(&str, &[&str], &str, &str)] = &[
        (
            "an A record",
            &["web.default.svc.cluster.local", "+short"],
            "10.96.0.20\n",
            "",
        ),
        (
            "a headless Service: one line per endpoint",
            &["db.default.svc.cluster.local", "+short"],
            "10.1.0.5\n10.1.0.6\n",
            "",
        ),
        (
            "SRV data as dig writes it",
            &["_http._tcp.web.default.svc.cluster.local", "SRV", "+short"],
            "0 100 80 web.default.svc.cluster.local.\n",
            "",
        ),
        (
            "TXT quoted, as dig quotes it",
            &["dns-version.cluster.local", "TXT", "+short"],
            "\"1.1.0\"\n",
            "",
        ),
        (
            "-x: the PTR target",
            &["-x", "10.96.0.20", "+short"],
            "web.default.svc.cluster.local.\n",
            "",
        ),
        (
            "a pod's view with +short: the walk is not printed, only the data of the dig after it",
            &["--pod-namespace", "default", "web", "+short"],
            "10.96.0.20\n",
            "",
        ),
        (
            "NXDOMAIN: nothing on stdout, as dig; the reason on stderr",
            &["nope.default.svc.cluster.local", "+short"],
            "",
            ";; NXDOMAIN: there is no Service \"nope\" in namespace \"default\"",
        ),
    ];
    for (rule, args, stdout, stderr) in cases {
        let args: Vec<&str> = ["-f", "fixtures/golden.yaml"]
            .iter()
            .chain(args.iter())
            .copied()
            .collect();
        let (out, err) = run(&args, "");
        assert_eq!(out, *stdout, "{rule}");
        assert!(err.starts_with(stderr), "{rule}: {err}");
        assert_eq!(err.is_empty(), stderr.is_empty(), "{rule}: {err}");
    }
}

/// (snapshot, rule, arguments, what the output holds in order, what it must not hold)
type LayoutCase = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
);

#[test]
fn replies_print_in_dig_s_layout() {
    // (snapshot, rule, arguments, lines the output must hold, lines it must not)
    let cases: &[LayoutCase] = &[
        (
            "noerror",
            "NOERROR: header, flags with the recursion warning (RD set, RA not), OPT (EDNS 1232 sent), sections at dig's tab stops",
            &[
                "-f",
                "fixtures/golden.yaml",
                "web.default.svc.cluster.local",
            ],
            &[
                ";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: ",
                ";; flags: qr aa rd; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1\n;; WARNING: recursion requested but not available\n",
                ";; OPT PSEUDOSECTION:\n; EDNS: version: 0, flags:; udp: 1232\n;; QUESTION SECTION:\n;web.default.svc.cluster.local.\tIN\tA\n",
                "web.default.svc.cluster.local. 30 IN\tA\t10.96.0.20\n",
                ";; Query time: 0 msec\n",
                ";; CONFIG: kubeadm's default Corefile",
                ";; MSG SIZE  rcvd: 103\n",
            ],
            &[";; NXDOMAIN", ";; REFUSED"],
        ),
        (
            "nxdomain",
            "NXDOMAIN ends with its reason; the seed's diagnostics follow",
            &[
                "-f",
                "fixtures/seed-mysql.yaml",
                "mysql-svc.default.svc.cluster.local",
            ],
            &[
                "status: NXDOMAIN",
                ";; AUTHORITY SECTION:\ncluster.local.\t\t30\tIN\tSOA\tns.dns.cluster.local. hostmaster.cluster.local. ",
                ";; MSG SIZE  rcvd: ",
                "\n;; NXDOMAIN: no ready endpoint answers the name, so the name does not exist; rename Endpoints default/mysql-ep to mysql-svc",
                "did you mean Service \"mysql-svc\"?",
            ],
            &[],
        ),
        (
            "refused_ptr",
            "REFUSED for PTR with the plugin's defaults says that no reverse zone is configured",
            &[
                "-f",
                "fixtures/golden.yaml",
                "--plugin-defaults",
                "-x",
                "10.96.0.20",
            ],
            &[
                "status: REFUSED",
                ";; CONFIG: the kubernetes plugin's defaults (--plugin-defaults)",
                ";; REFUSED: no server block's zone contains the name (the blocks serve cluster.local.), so the server refuses it; add the reverse zones to the kubernetes plugin, as kubeadm's default Corefile does",
            ],
            &[],
        ),
        (
            "refused_outside",
            "REFUSED outside the zones lists the zones",
            &[
                "-f",
                "fixtures/golden.yaml",
                "--plugin-defaults",
                "web.default",
            ],
            &[
                "status: REFUSED",
                ";; REFUSED: no server block's zone contains the name (the blocks serve cluster.local.), so the server refuses it (dig asks the name as given, with no search list",
            ],
            &[],
        ),
        (
            "tcp",
            "+tcp: the SERVER line says TCP",
            &[
                "-f",
                "fixtures/golden.yaml",
                "+tcp",
                "_http._tcp.web.default.svc.cluster.local",
                "SRV",
            ],
            &[
                // A space turns into a tab where it crosses a tab stop (BIND's indent).
                "_http._tcp.web.default.svc.cluster.local. 30 IN\tSRV 0 100 80 web.default.svc.cluster.local.\n",
                ";; ADDITIONAL SECTION:\nweb.default.svc.cluster.local. 30 IN\tA\t10.96.0.20\n",
                ";; SERVER: k8s-dns-sim#53(in-process) (TCP)\n",
            ],
            &[],
        ),
        (
            "norecurse",
            "+norecurse: no rd flag, so no recursion warning",
            &[
                "-f",
                "fixtures/golden.yaml",
                "+norecurse",
                "web.default.svc.cluster.local",
            ],
            &[";; flags: qr aa; QUERY: 1"],
            &["WARNING: recursion requested", " rd"],
        ),
        (
            "noedns_server",
            "+noedns: no OPT pseudosection, ADDITIONAL counts no OPT; @server is noted, not used",
            &[
                "-f",
                "fixtures/golden.yaml",
                "@10.96.0.10",
                "+noedns",
                "web.default.svc.cluster.local",
            ],
            &[
                ";; @10.96.0.10 ignored: the simulator answers in-process\n",
                "ADDITIONAL: 0\n;; WARNING: recursion requested but not available\n\n;; QUESTION SECTION:",
            ],
            &["OPT PSEUDOSECTION"],
        ),
    ];
    for (snapshot, rule, args, has, lacks) in cases {
        let (out, err) = run(args, "");
        assert_eq!(err, "", "{rule}");
        let mut at = 0;
        for part in *has {
            match out[at..].find(part) {
                Some(found) => at += found + part.len(),
                None => panic!("{rule}: {part:?} missing (or out of order) in:\n{out}"),
            }
        }
        for part in *lacks {
            assert!(!out.contains(part), "{rule}: {part:?} in:\n{out}");
        }
        insta::assert_snapshot!(format!("layout_{snapshot}"), out);
    }
}

#[test]
fn a_truncated_udp_reply_is_asked_again_over_tcp() {
    // 60 endpoints do not fit 512 bytes: dig retries over TCP and prints the whole answer.
    let mut yaml = String::from(
        "apiVersion: v1\nkind: Service\nmetadata: {name: big, namespace: default}\nspec: {clusterIP: None}\n---\n\
         apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: big-1\n  namespace: default\n  labels: {kubernetes.io/service-name: big}\naddressType: IPv4\nendpoints:\n",
    );
    for host in 1..=60 {
        yaml.push_str(&format!("- addresses: [10.1.0.{host}]\n"));
    }
    let (out, _) = run(
        &["-f", "-", "+noedns", "big.default.svc.cluster.local"],
        &yaml,
    );
    assert!(
        out.contains(";; Truncated, retrying in TCP mode.\n;; Got answer:\n"),
        "{out}"
    );
    assert!(out.contains("ANSWER: 60,"), "{out}");
    assert!(out.contains("(in-process) (TCP)"), "{out}");
    let options = parse(&["-f", "-", "+noedns", "big.default.svc.cluster.local"]).unwrap();
    let loaded = dig::load(&options.manifests, &options.config, &mut yaml.as_bytes()).unwrap();
    let exchange = dig::query(&loaded.dns, &options, None).unwrap();
    assert!(exchange.retried_over_tcp && !exchange.reply.truncation);
}

#[test]
fn without_a_configuration_kubeadms_corefile_answers() {
    // (rule, arguments after -f fixtures/golden.yaml, a line the output holds)
    let cases: &[(&str, &[&str], &str)] = &[
        (
            "kubeadm: ttl 30",
            &["web.default.svc.cluster.local"],
            "web.default.svc.cluster.local. 30 IN\tA\t10.96.0.20\n",
        ),
        (
            "kubeadm: pods insecure answers a pod name",
            &["10-244-1-23.default.pod.cluster.local"],
            "10-244-1-23.default.pod.cluster.local. 30 IN A\t10.244.1.23\n",
        ),
        (
            "kubeadm: reverse zones answer PTR",
            &["-x", "10.96.0.20"],
            "20.0.96.10.in-addr.arpa. 30\tIN\tPTR\tweb.default.svc.cluster.local.\n",
        ),
        (
            "kubeadm: named on the CONFIG line",
            &["web.default.svc.cluster.local"],
            ";; CONFIG: kubeadm's default Corefile (no --corefile, no coredns ConfigMap; --plugin-defaults for the bare plugin)\n",
        ),
        (
            "plugin defaults: ttl 5",
            &["--plugin-defaults", "web.default.svc.cluster.local"],
            "web.default.svc.cluster.local. 5 IN\tA\t10.96.0.20\n",
        ),
        (
            "plugin defaults: pods disabled",
            &["--plugin-defaults", "10-244-1-23.default.pod.cluster.local"],
            "status: NXDOMAIN",
        ),
        (
            "plugin defaults: no reverse zone",
            &["--plugin-defaults", "-x", "10.96.0.20"],
            "status: REFUSED",
        ),
    ];
    for (rule, args, line) in cases {
        let args: Vec<&str> = ["-f", "fixtures/golden.yaml"]
            .iter()
            .chain(args.iter())
            .copied()
            .collect();
        let (out, _) = run(&args, "");
        assert!(out.contains(line), "{rule}: {line:?} not in:\n{out}");
    }
    let (out, _) = run(
        &[
            "-f",
            "fixtures/cluster-dump.yaml",
            "cart.shop.svc.cluster.local",
        ],
        "",
    );
    assert!(
        out.contains(";; CONFIG: the Corefile of ConfigMap kube-system/coredns (fixtures/cluster-dump.yaml: document 1, items["),
        "a dump's ConfigMap wins over kubeadm's:\n{out}"
    );
    // The library's one-line setup falls back the same way.
    let dns = k8s_dns_sim::ClusterDns::from_yaml(&fixture("golden.yaml")).unwrap();
    let pod = dns
        .lookup("10-244-1-23.default.pod.cluster.local", RecordType::A)
        .unwrap();
    assert_eq!(
        pod.answer_lines(),
        ["10-244-1-23.default.pod.cluster.local. 30 IN A 10.244.1.23"]
    );
}

#[test]
fn a_folder_reads_every_manifest_in_it_sorted() {
    let folder = std::env::temp_dir().join(format!("k8s-dns-sim-dig-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    let service = "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: default}\nspec: {clusterIP: 10.96.0.20, ports: [{port: 80}]}\n";
    let other = "{\"apiVersion\": \"v1\", \"kind\": \"Service\", \"metadata\": {\"name\": \"db\", \"namespace\": \"default\"}, \"spec\": {\"clusterIP\": \"10.96.0.30\", \"ports\": [{\"port\": 3306}]}}";
    std::fs::write(folder.join("b-web.yml"), service).unwrap();
    std::fs::write(folder.join("a-db.json"), other).unwrap();
    std::fs::write(folder.join("notes.txt"), "not a manifest: {").unwrap();
    // A Helm values file beside the manifests: no top-level kind, left out and named.
    std::fs::write(
        folder.join("values.yaml"),
        "replicaCount: 2\nimage: {tag: x}\n",
    )
    .unwrap();
    let sources = [ManifestSource::Path(folder.clone())];
    let manifests = dig::read_manifests(&sources, &mut std::io::empty()).unwrap();
    assert_eq!(manifests.skipped.len(), 1, "{:?}", manifests.skipped);
    assert!(manifests.skipped[0].ends_with("values.yaml"));
    let names: Vec<String> = manifests
        .texts
        .iter()
        .map(|(origin, _)| {
            Path::new(origin)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(
        names,
        ["a-db.json", "b-web.yml"],
        "manifests only, sorted by name"
    );
    let folder_arg = folder.display().to_string();
    let (out, _) = run(
        &["-f", &folder_arg, "db.default.svc.cluster.local", "+short"],
        "",
    );
    assert_eq!(out, "10.96.0.30\n");
    let empty = folder.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let error = dig::read_manifests(
        &[ManifestSource::Path(empty.clone())],
        &mut std::io::empty(),
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "{}: no *.yaml, *.yml or *.json file in this folder",
            empty.display()
        )
    );
    std::fs::remove_dir_all(&folder).unwrap();
}

/// Runs the example with `args` and `stdin`: (exit code, stdout, stderr).
fn example(args: &[&str], stdin: &str) -> (i32, String, String) {
    support::run_program(support::dig_binary(), args, stdin)
}

/// (rule, arguments, standard input, exit code, what stdout holds, stderr exactly)
type RunCase<'a> = (&'a str, &'a [&'a str], &'a str, i32, &'a str, &'a str);

#[test]
fn the_example_as_a_user_runs_it() {
    // (rule, arguments, standard input, exit code, stdout holds, stderr is exactly)
    let golden = fixture("golden.yaml");
    let cases: &[RunCase] = &[
        (
            "-f - reads the manifests from standard input",
            &["-f", "-", "web.default.svc.cluster.local", "+short"],
            &golden,
            0,
            "10.96.0.20\n",
            "",
        ),
        (
            "--help: the options, exit 0",
            &["--help"],
            "",
            0,
            "+bufsize=N",
            "",
        ),
        (
            "a bad argument: one line, exit 2",
            &["-f", "-", "+shrot", "web"],
            "",
            2,
            "",
            "dig: unknown query option +shrot (dig --help lists the options)\n",
        ),
        (
            "--json belongs to the command-line tool: the example says so, exit 2",
            &["-f", "-", "--json", "web"],
            "",
            2,
            "",
            "dig: --json is the command-line tool's: cargo run --features cli --bin k8s-dns-sim -- dig ...\n",
        ),
        (
            "--graph without a name: the picture alone (the README's command)",
            &["-f", "fixtures/seed-mysql.yaml", "--graph"],
            "",
            0,
            "flowchart LR\n  subgraph ns0 [\"namespace default\"]",
            "",
        ),
        (
            "--lint without a name: the findings alone",
            &["-f", "fixtures/seed-mysql.yaml", "--lint"],
            "",
            0,
            "error[headless-without-endpoints]: Service default/mysql-svc",
            "",
        ),
        (
            "input that does not load: its error's Display, exit 2",
            &["-f", "fixtures/no-such-file.yaml", "web"],
            "",
            2,
            "",
            "dig: fixtures/no-such-file.yaml: No such file or directory (os error 2)\n",
        ),
    ];
    for (rule, args, stdin, code, stdout, stderr) in cases {
        let (got_code, out, err) = example(args, stdin);
        assert_eq!(got_code, *code, "{rule}: {err}");
        assert!(out.contains(stdout), "{rule}: {out}");
        assert_eq!(err, *stderr, "{rule}");
    }
}

#[test]
fn a_closed_pipe_ends_the_example_quietly() {
    // `dig … | head -0`: the reader is gone before the first line is written.
    let mut child = Command::new(support::dig_binary())
        .args([
            "-f",
            "fixtures/golden.yaml",
            "web.default.svc.cluster.local",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the dig example runs");
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("the dig example ends");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(output.status.code(), Some(0), "{stderr}");
}

/// A pod's view asks the nameserver the Pod's resolv.conf names, across the Pod's network: a
/// resolver outside the cluster (here 1.1.1.1, set by `dnsPolicy: None`) knows no cluster name,
/// and the reason line says so; a `ClusterFirst` Pod asks the cluster's DNS and resolves.
#[test]
fn a_pod_view_asks_only_the_cluster_dns_for_cluster_names() {
    let manifests = "\
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec: {clusterIP: 10.96.0.20, ports: [{port: 80}]}
---
apiVersion: v1
kind: Pod
metadata: {name: outside, namespace: default}
spec:
  dnsPolicy: None
  dnsConfig: {nameservers: [1.1.1.1]}
status: {podIP: 10.1.0.9}
---
apiVersion: v1
kind: Pod
metadata: {name: inside, namespace: default}
status: {podIP: 10.1.0.8}
";
    let name = "web.default.svc.cluster.local";
    let (out, err) = run(
        &["-f", "-", "--from-pod", "default/outside", name, "+short"],
        manifests,
    );
    assert_eq!(out, "", "{err}");
    assert!(
        err.contains("NXDOMAIN: 1.1.1.1 is not the cluster's DNS (10.96.0.10)"),
        "{err}"
    );
    let (out, err) = run(
        &["-f", "-", "--from-pod", "default/inside", name, "+short"],
        manifests,
    );
    assert_eq!(out, "10.96.0.20\n", "{err}");
}
