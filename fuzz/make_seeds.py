#!/usr/bin/env python3
"""Writes the seed corpora under fuzz/corpus/<target>/ from the repository's fixtures and tests.

Run from anywhere: `python3 fuzz/make_seeds.py`. It replaces the corpora it writes, so a seed
that a fixture no longer holds goes away. Each seed is small (the largest fixture is 13 KB).
"""

import pathlib
import random
import re
import shutil
import struct

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"


def fresh(target):
    path = CORPUS / target
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


def rust_literals(text):
    """The plain "..." string literals of Rust source, unescaped (raw strings are skipped)."""
    for match in re.finditer(r'(?<![r#\w])"((?:[^"\\]|\\.)*)"', text, re.S):
        body = match.group(1)
        body = re.sub(r"\\\n\s*", "", body)  # line continuation
        body = re.sub(r"\\u\{([0-9a-fA-F]+)\}", lambda m: chr(int(m.group(1), 16)), body)
        body = re.sub(r"\\x([0-9a-fA-F]{2})", lambda m: chr(int(m.group(1), 16)), body)
        body = (
            body.replace("\\n", "\n")
            .replace("\\t", "\t")
            .replace("\\r", "\r")
            .replace('\\"', '"')
            .replace("\\0", "\0")
            .replace("\\\\", "\\")
        )
        yield body


def load_yaml():
    out = fresh("load_yaml")
    for path in sorted((ROOT / "fixtures").rglob("*.yaml")):
        name = str(path.relative_to(ROOT / "fixtures")).replace("/", "-")
        shutil.copy(path, out / name)
    # The hand-made manifests of tests/load_never_panics.rs.
    source = (ROOT / "tests" / "load_never_panics.rs").read_text()
    for index, literal in enumerate(rust_literals(source)):
        if "kind" in literal and "\n" in literal:
            (out / f"load_never_panics-{index}.yaml").write_text(literal)


def corefile():
    out = fresh("corefile")
    shutil.copy(ROOT / "fixtures" / "corefiles" / "kubeadm.Corefile", out / "kubeadm.Corefile")
    seen = set()
    for test in ["corefile.rs", "multicluster.rs", "answers.rs", "resolver.rs", "spec.rs"]:
        source = (ROOT / "tests" / test).read_text()
        for literal in rust_literals(source):
            looks_like_corefile = "{" in literal and ("kubernetes" in literal or ":53" in literal)
            if looks_like_corefile and literal not in seen:
                seen.add(literal)
                (out / f"{test[:-3]}-{len(seen):03}.Corefile").write_text(literal)
    harness = (ROOT / "fuzz" / "src" / "harness.rs").read_text()
    start = harness.index('HANDLE_BYTES_COREFILE: &str = "') + len('HANDLE_BYTES_COREFILE: &str = "')
    (out / "handle_bytes.Corefile").write_text(harness[start : harness.index('";', start)])


def encode_name(name):
    out = b""
    for label in name.strip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


TYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "PTR": 12, "TXT": 16, "AAAA": 28, "SRV": 33,
         "ANY": 255, "AXFR": 252, "IXFR": 251}


def query(qid, name, qtype, *, opcode=0, rd=True, qclass=1, edns=None, do=False, version=0,
          authority=b"", nscount=0):
    flags = (opcode << 11) | (0x0100 if rd else 0)
    arcount = 1 if edns is not None else 0
    header = struct.pack(">HHHHHH", qid, flags, 1, 0, nscount, arcount)
    body = encode_name(name) + struct.pack(">HH", TYPES.get(qtype, qtype) if isinstance(qtype, str) else qtype, qclass)
    body += authority
    if edns is not None:
        ttl = (version << 16) | (0x8000 if do else 0)
        body += b"\0" + struct.pack(">HHIH", 41, edns, ttl, 0)
    return header + body


def soa_authority(zone, serial):
    rdata = encode_name("ns.dns." + zone) + encode_name("hostmaster." + zone)
    rdata += struct.pack(">IIIII", serial, 7200, 1800, 86400, 5)
    return encode_name(zone) + struct.pack(">HHIH", 6, 1, 5, len(rdata)) + rdata


def handle_bytes():
    out = fresh("handle_bytes")
    seeds = {}
    names = [
        ("web.default.svc.cluster.local", "A"),
        ("Web.Default.SVC.cluster.local", "A"),
        ("db.default.svc.cluster.local", "A"),
        ("db.default.svc.cluster.local", "SRV"),
        ("_mysql._tcp.db.default.svc.cluster.local", "SRV"),
        ("db-0.db.default.svc.cluster.local", "AAAA"),
        ("ext.default.svc.cluster.local", "A"),
        ("alias.default.svc.cluster.local", "CNAME"),
        ("broken-alias.default.svc.cluster.local", "A"),
        ("empty.default.svc.cluster.local", "A"),
        ("nope.default.svc.cluster.local", "A"),
        ("10-1-0-5.default.pod.cluster.local", "A"),
        ("20.0.96.10.in-addr.arpa", "PTR"),
        ("5.0.1.10.in-addr.arpa", "PTR"),
        ("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa", "PTR"),
        ("cluster.local", "SOA"),
        ("cluster.local", "NS"),
        ("ns.dns.cluster.local", "A"),
        ("dns-version.cluster.local", "TXT"),
        ("svc1.testns.svc.clusterset.local", "A"),
        ("ep1a.cluster1.svc1.testns.svc.clusterset.local", "A"),
        ("svc1.testns.svc.clusterset.local", "SRV"),
        ("web.default.svc.cluster.local", "ANY"),
        ("example.com", "A"),
        ("cluster.local", "AXFR"),
        ("clusterset.local", "AXFR"),
    ]
    for index, (name, qtype) in enumerate(names):
        seeds[f"{qtype.lower()}-{index:02}"] = query(index, name, qtype)
    seeds["edns-1232"] = query(100, "db.default.svc.cluster.local", "SRV", edns=1232)
    seeds["edns-4096-do"] = query(101, "db.default.svc.cluster.local", "A", edns=4096, do=True)
    seeds["edns-100"] = query(102, "web.default.svc.cluster.local", "A", edns=100)
    seeds["badvers"] = query(103, "web.default.svc.cluster.local", "A", edns=1232, version=1)
    seeds["chaos"] = query(104, "version.bind", "TXT", qclass=3)
    seeds["notify"] = query(105, "cluster.local", "SOA", opcode=4)
    seeds["update"] = query(106, "cluster.local", "SOA", opcode=5)
    seeds["ixfr-current"] = query(107, "cluster.local", "IXFR",
                                  authority=soa_authority("cluster.local", 1), nscount=1)
    seeds["ixfr-old"] = query(108, "cluster.local", "IXFR",
                              authority=soa_authority("cluster.local", 0), nscount=1)
    seeds["ixfr-no-soa"] = query(109, "cluster.local", "IXFR")
    seeds["header-only"] = query(110, "cluster.local", "A")[:12]
    seeds["cut-name"] = query(111, "web.default.svc.cluster.local", "A")[:20]
    seeds["cut-type"] = query(112, "web.default.svc.cluster.local", "A")[:-3]
    seeds["response"] = bytes([0, 113, 0x81, 0]) + query(113, "cluster.local", "A")[4:]
    # A compression pointer in the question, pointing at itself.
    seeds["pointer-loop"] = struct.pack(">HHHHHH", 114, 0x0100, 1, 0, 0, 0) + b"\xc0\x0c\0\x01\0\x01"
    for name, data in seeds.items():
        (out / name).write_bytes(data)


def changes():
    # The target's input is read by `arbitrary`: any bytes are a batch. A few random ones, and
    # two fixtures (their text makes Apply changes of real manifests).
    out = fresh("changes")
    rng = random.Random(8)
    for index in range(8):
        (out / f"random-{index}").write_bytes(bytes(rng.randrange(256) for _ in range(16 + 24 * index)))
    for fixture in ["statefulset.yaml", "golden.yaml"]:
        shutil.copy(ROOT / "fixtures" / fixture, out / fixture)


def resolv_conf():
    out = fresh("resolv_conf")
    seeds = {
        "cluster-first": "search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n",
        "host-network": "nameserver 8.8.8.8\nnameserver 1.1.1.1\nnameserver 9.9.9.9\nnameserver 10.0.0.1\nsearch example.com\n",
        "options": "# comment\nsearch shop.svc.cluster.local svc.cluster.local cluster.local corp.example.\noptions timeout:2 attempts:3 ndots:2 edns0 ; trailing\nnameserver fd00::10\n",
        "domain": "domain default.svc.cluster.local\nnameserver 10.96.0.10\n",
        "root-search": "search .\noptions ndots:0\n",
        "ndots-huge": "options ndots:99999999999999\nsearch cluster.local\n",
        "bad-ndots": "options ndots:-1\n",
        "bad-nameserver": "nameserver 10.96.0\n",
        "with-name": "search default.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n\0db-0.db.default.svc",
        "long-search": "search " + " ".join(f"d{i}." + "a" * 60 + ".example" for i in range(6)) + "\n\0web",
        "crlf": "search default.svc.cluster.local\r\noptions ndots:5\r\n\0web.default",
    }
    for name, text in seeds.items():
        (out / name).write_text(text)


if __name__ == "__main__":
    load_yaml()
    corefile()
    handle_bytes()
    changes()
    resolv_conf()
    for target in sorted(CORPUS.iterdir()):
        files = list(target.iterdir())
        print(f"{target.name}: {len(files)} seeds, {sum(f.stat().st_size for f in files)} bytes")
