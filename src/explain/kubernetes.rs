//! Why the `kubernetes` plugin answered one question as it did: the plugin's rules read again
//! over the cluster, step by step, with every object looked at, every endpoint left out, and
//! the near misses.
//!
//! The reading follows `crate::answer` branch for branch (`ServeDNS`, `Records`,
//! `findServices`, `findPods`) and uses its helpers for what decides (zone matching, the name
//! grammar, endpoint names, port filters, the slices the plugin sees), so each reason is the
//! one that decided. Whether the reading says the name exists is compared with what the plugin
//! answered; a difference is reported in [`Explanation::disagreements`].

use std::net::IpAddr;

use hickory_proto::rr::{Name, RecordType};

use super::Explanation;
use super::reader::{
    Asked, Reader, Reading, ips_text, labels_are_reverse, pod_at, ports_text, reverse_address,
    similar, view_at, zone_label_count,
};
use crate::answer::{Context, Outcome, port_matches};
use crate::cluster::ServiceView;
use crate::config::PodMode;
use crate::qname::{self, Grammar, Labels, QueryName, ServicePart};

/// Adds the steps and near misses of one question to `out`.
pub(super) fn explain(asked: &Asked<'_>, out: &mut Explanation) {
    let mut reader = Reader {
        asked,
        context: Context {
            cluster: asked.cluster,
            config: asked.config,
            zones: asked.zones,
            serial: asked.cluster.serial(),
            resolve: None,
        },
        out,
    };
    let reading = reader.read();
    reader.check(reading);
}

impl Reader<'_, '_> {
    /// Compares the reading with the plugin's answer.
    fn check(&mut self, reading: Reading) {
        let answered = self.asked.answered;
        let falls_through = self.asked.config.falls_through(self.asked.name);
        let agrees = match reading {
            Reading::OutsideZones => answered.is_none(),
            Reading::Refused => answered == Some(Outcome::Refused),
            Reading::NameError if falls_through => answered.is_none(),
            Reading::NameError => answered == Some(Outcome::NxDomain),
            Reading::Exists => matches!(answered, Some(Outcome::Success | Outcome::NoData)),
            Reading::Chased => answered.is_some(),
        };
        if reading == Reading::NameError && falls_through {
            self.step(
                35,
                "the name does not exist, and `fallthrough` covers it: the plugin passes the question on".to_owned(),
            );
        }
        if !agrees {
            self.out.disagreements.push(format!(
                "{} {}: the explanation reads {reading:?}, the plugin answered {answered:?}",
                self.asked.name, self.asked.qtype
            ));
        }
    }

    fn read(&mut self) -> Reading {
        let asked = self.asked;
        let labels = Labels::new(asked.name);
        let Some(zone) = self.context.matching_zone(&labels) else {
            let zones = super::list_names(&asked.config.zones);
            self.step(
                35,
                format!(
                    "kubernetes: {} is outside its zones ({zones}), so it passes the question on",
                    asked.name
                ),
            );
            self.zone_near_miss(&labels);
            super::reverse_near_miss(
                asked.name,
                asked
                    .config
                    .zones
                    .iter()
                    .any(crate::answer::is_reverse_zone),
                self.out,
            );
            return Reading::OutsideZones;
        };
        let zone_labels = zone.label_count();
        let multicluster = zone.is_multicluster();
        let mut zone_name = asked.name.trim_to(zone_labels);
        zone_name.set_fqdn(true);
        self.step(
            35,
            format!(
                "kubernetes: the name is in its zone {zone_name}{}",
                if multicluster {
                    " (a multicluster zone: ServiceImports, not Services)"
                } else {
                    ""
                }
            ),
        );
        let grammar = Grammar {
            zonal: asked.config.zonal,
            multicluster,
        };
        let parsed = qname::parse(&labels, zone_labels, grammar);
        // A complete reverse name asked for PTR is read as an address, not by the name grammar.
        let reverse_ptr =
            asked.qtype == RecordType::PTR && reverse_address(asked.name, &labels).is_some();
        if reverse_ptr {
            self.step(
                18,
                "the name is a reverse name: the address it stands for is looked up".to_owned(),
            );
        } else {
            self.describe_parse(parsed, &zone_name);
        }
        let at_apex = parsed == QueryName::Apex;
        match asked.qtype {
            RecordType::AXFR | RecordType::IXFR => {
                self.step(
                    3,
                    "the plugin does not transfer zones itself: only the transfer plugin serves a transfer, of a zone apex it allows, so the question is refused".to_owned(),
                );
                Reading::Refused
            }
            RecordType::SOA => {
                let text = if at_apex {
                    "SOA at the zone apex: the zone's SOA record"
                } else {
                    "SOA exists only at the zone apex: no records here, whatever the name"
                };
                self.step(3, text.to_owned());
                Reading::Exists
            }
            RecordType::NS if at_apex && zone_is_lowercase(asked.name, zone_labels) => {
                self.step(
                    24,
                    "NS at the zone apex: the server's own name, ns.dns.<zone>".to_owned(),
                );
                Reading::Exists
            }
            RecordType::TXT if parsed == QueryName::DnsVersion => {
                self.step(
                    10,
                    "TXT at dns-version.<zone>: the schema version".to_owned(),
                );
                Reading::Exists
            }
            RecordType::TXT => self.txt(parsed, &zone_name, multicluster),
            RecordType::PTR => self.ptr(parsed, &zone_name, multicluster),
            RecordType::A | RecordType::AAAA | RecordType::SRV | RecordType::CNAME => {
                self.find(parsed, &zone_name, multicluster)
            }
            other => {
                let reading = self.find(parsed, &zone_name, multicluster);
                if reading != Reading::NameError {
                    self.step(
                        4,
                        format!("the plugin has no {other} records: the name's existence decides NXDOMAIN or NODATA"),
                    );
                }
                match reading {
                    Reading::Chased => Reading::Exists,
                    reading => reading,
                }
            }
        }
    }

    /// Follows an ExternalName's CNAME as the plugin does for A and AAAA (rule 19): a target in
    /// the plugin's zones is read here, one level deeper; one outside is asked of the whole
    /// server again, which the trace shows as a question of its own.
    fn chase(&mut self, target: &str) {
        let asked = self.asked;
        let Ok(mut target_name) = Name::from_ascii(target) else {
            return;
        };
        target_name.set_fqdn(true);
        if self
            .context
            .matching_zone(&Labels::new(&target_name))
            .is_none()
        {
            self.step(
                19,
                format!("{target_name} is outside the plugin's zones: the server is asked for it again (upstream.Lookup), and the CNAME is kept with whatever that answers"),
            );
            return;
        }
        let lower = target_name.to_lowercase();
        if asked.name.to_lowercase() == lower || asked.chain.contains(&lower) {
            self.step(
                19,
                format!("{target_name} was already asked on the way here: the CNAMEs form a loop, CoreDNS stops following them and the answer has no records"),
            );
            return;
        }
        if asked.chain.len() >= 10 {
            self.step(
                19,
                "CoreDNS follows at most 10 CNAMEs inside its zones: the chain ends here, with no records".to_owned(),
            );
            return;
        }
        let mut chain = asked.chain.to_vec();
        chain.push(asked.name.to_lowercase());
        let inner = Asked {
            name: &target_name,
            answered: None,
            depth: asked.depth + 1,
            chain: &chain,
            ..*asked
        };
        let mut reader = Reader {
            asked: &inner,
            context: Context {
                cluster: asked.cluster,
                config: asked.config,
                zones: asked.zones,
                serial: asked.cluster.serial(),
                resolve: None,
            },
            out: &mut *self.out,
        };
        let reading = reader.read();
        if reading == Reading::NameError {
            self.step(
                19,
                format!("the CNAME's target {target_name} does not exist: the plugin drops the CNAME, and the name answers with no records"),
            );
        }
    }

    /// TXT: rule 10's quirk (a name that exists but holds nothing is NXDOMAIN).
    fn txt(&mut self, parsed: QueryName<'_>, zone: &Name, multicluster: bool) -> Reading {
        let zonal = matches!(
            parsed,
            QueryName::Service {
                part: ServicePart::Zonal(_),
                ..
            }
        );
        let holds_nothing = matches!(
            parsed,
            QueryName::Apex
                | QueryName::ServiceApex
                | QueryName::PodApex
                | QueryName::Namespace { .. }
                | QueryName::PodNamespace { .. }
        );
        if parsed == QueryName::NameServer {
            self.step(
                10,
                "TXT at ns.dns.<zone>: CoreDNS answers that name before its record lookup for every type but TXT, so TXT finds no such name".to_owned(),
            );
            return Reading::NameError;
        }
        let reading = self.find(parsed, zone, multicluster);
        if reading == Reading::NameError {
            return reading;
        }
        if holds_nothing && !zonal {
            self.step(
                10,
                "TXT of a name that exists but holds no records is NXDOMAIN, not NODATA (CoreDNS's TXT quirk)".to_owned(),
            );
            return Reading::NameError;
        }
        self.step(
            10,
            "the plugin has no TXT records here (only dns-version.<zone>): NODATA".to_owned(),
        );
        Reading::Exists
    }

    /// Says how the name was read (rules 6–8, 14, 17, 22, 23, 26).
    fn describe_parse(&mut self, parsed: QueryName<'_>, zone: &Name) {
        let (rule, text) = match parsed {
            QueryName::Apex => (3, "the name is the zone apex".to_owned()),
            QueryName::ServiceApex => (
                7,
                "the name is svc.<zone>: it exists and holds no records".to_owned(),
            ),
            QueryName::PodApex => (
                7,
                "the name is pod.<zone>: it exists and holds no records".to_owned(),
            ),
            QueryName::DnsVersion => (10, "the name is dns-version.<zone>".to_owned()),
            QueryName::NameServer => (
                22,
                "the name is ns.dns.<zone>, the server's own name".to_owned(),
            ),
            QueryName::Namespace { namespace } => (
                7,
                format!("the name is a namespace name: namespace {namespace:?}"),
            ),
            QueryName::PodNamespace { namespace } => (
                23,
                format!("the name is a namespace's pod name space: namespace {namespace:?}"),
            ),
            QueryName::Pod { namespace, address } => (
                23,
                format!(
                    "the name is a pod name: address label {address:?} in namespace {namespace:?}"
                ),
            ),
            QueryName::Service {
                namespace,
                service,
                part,
            } => {
                let what = match part {
                    ServicePart::Whole => String::new(),
                    ServicePart::Endpoint {
                        label,
                        cluster: None,
                    } => format!(", endpoint {label:?}"),
                    ServicePart::Endpoint {
                        label,
                        cluster: Some(cluster),
                    } => format!(", endpoint {label:?} of cluster {cluster:?}"),
                    ServicePart::Port(port) => format!(
                        ", port name {:?} and protocol {:?}",
                        port.port, port.protocol
                    ),
                    ServicePart::Zonal(_) => {
                        ", a zonal name (the endpoints of one topology zone)".to_owned()
                    }
                };
                let rule = match part {
                    ServicePart::Whole => 6,
                    ServicePart::Endpoint { .. } | ServicePart::Port(_) => 8,
                    ServicePart::Zonal(_) => 26,
                };
                (
                    rule,
                    format!(
                        "the name is a service name: Service {service:?} in namespace {namespace:?}{what}"
                    ),
                )
            }
            QueryName::Invalid => {
                self.shape_near_miss(zone);
                (
                    6,
                    format!(
                        "the name is not one the plugin serves: names under {zone} are <service>.<namespace>.svc, <endpoint>.<service>.<namespace>.svc, _<port>._<protocol>.<service>.<namespace>.svc, <namespace>.svc, <dashed-ip>.<namespace>.pod, dns-version and ns.dns"
                    ),
                )
            }
        };
        self.step(rule, text);
    }

    /// What a name refers to (CoreDNS `Records`): rules 6–26.
    pub(super) fn find(
        &mut self,
        parsed: QueryName<'_>,
        zone: &Name,
        multicluster: bool,
    ) -> Reading {
        let labels = Labels::new(self.asked.name);
        let reverse = labels_are_reverse(&labels);
        if reverse
            && !matches!(
                parsed,
                QueryName::Apex | QueryName::ServiceApex | QueryName::PodApex | QueryName::Invalid
            )
        {
            self.step(
                18,
                "a name in a reverse zone that is not a complete address names nothing".to_owned(),
            );
            return Reading::NameError;
        }
        match parsed {
            QueryName::Apex | QueryName::ServiceApex | QueryName::PodApex => Reading::Exists,
            QueryName::Invalid => Reading::NameError,
            QueryName::DnsVersion => {
                self.step(
                    10,
                    "dns-version.<zone> has only a TXT record, and other types find no such name"
                        .to_owned(),
                );
                Reading::NameError
            }
            QueryName::NameServer => {
                if zone_is_lowercase(self.asked.name, zone_label_count(zone)) {
                    Reading::Exists
                } else {
                    self.step(
                        22,
                        "ns.dns.<zone> answers only with the zone in lower case".to_owned(),
                    );
                    Reading::NameError
                }
            }
            QueryName::Namespace { namespace } => self.namespace(namespace),
            QueryName::PodNamespace { namespace } => {
                if self.asked.config.pods == PodMode::Disabled {
                    self.pods_disabled();
                    return Reading::NameError;
                }
                self.namespace(namespace)
            }
            QueryName::Pod { namespace, address } => self.pod(namespace, address),
            QueryName::Service {
                namespace,
                service,
                part,
            } => self.service(namespace, service, part, zone, multicluster),
        }
    }

    fn pods_disabled(&mut self) {
        self.step(
            23,
            "pod names are off (`pods disabled`, the plugin's default): no pod name exists"
                .to_owned(),
        );
        self.near(
            "pod names are disabled in this configuration".to_owned(),
            Vec::new(),
            "set `pods insecure` (kubeadm's default) or `pods verified` in the kubernetes stanza"
                .to_owned(),
        );
    }

    /// Whether a namespace is exposed (rule 7); says why not.
    fn namespace(&mut self, namespace: &str) -> Reading {
        if self.namespace_exposed(namespace) {
            self.step(7, format!("namespace {namespace:?} exists and is served"));
            Reading::Exists
        } else {
            Reading::NameError
        }
    }

    fn namespace_exposed(&mut self, namespace: &str) -> bool {
        let config = self.asked.config;
        if !config.exposes_namespace(namespace) {
            self.step(
                7,
                format!(
                    "namespace {namespace:?} is not among those the plugin serves (`namespaces {}`)",
                    config.namespaces.to_vec().join(" ")
                ),
            );
            return false;
        }
        if !self.asked.cluster.has_namespace_lowercase(namespace) {
            self.step(
                7,
                format!("there is no namespace {namespace:?} in the cluster"),
            );
            let similar: Vec<String> = self
                .asked
                .cluster
                .namespaces()
                .into_iter()
                .filter(|candidate| similar(candidate, namespace))
                .map(str::to_owned)
                .collect();
            for candidate in similar {
                self.near(
                    format!("a namespace {candidate:?} exists"),
                    Vec::new(),
                    format!("ask in namespace {candidate:?}"),
                );
            }
            return false;
        }
        true
    }

    /// CoreDNS `findPods` (rule 23).
    fn pod(&mut self, namespace: &str, label: &str) -> Reading {
        let config = self.asked.config;
        if config.pods == PodMode::Disabled {
            self.pods_disabled();
            return Reading::NameError;
        }
        if !self.namespace_exposed(namespace) {
            return Reading::NameError;
        }
        let Some(address) = crate::answer::names::pod_address(label) else {
            self.step(
                23,
                format!(
                    "{label:?} is not an address written with dashes (10-244-1-5, or 2001-db8--1)"
                ),
            );
            return Reading::NameError;
        };
        if config.pods == PodMode::Verified {
            let cluster = self.asked.cluster;
            let mut pods = cluster
                .pods_with_ip(address)
                .filter(|pod| pod.meta.namespace == namespace);
            let Some(pod) = pods.find(|pod| !pod.terminating && !pod_finished(pod)) else {
                self.step(
                    23,
                    format!("`pods verified`: no running Pod in namespace {namespace:?} has the address {address}"),
                );
                return Reading::NameError;
            };
            let at = pod_at(cluster, &pod.meta.namespace, &pod.meta.name);
            let step = self.step(
                23,
                format!(
                    "`pods verified`: Pod {namespace}/{} has the address {address}",
                    pod.meta.name
                ),
            );
            step.objects.push(at);
        } else {
            self.step(
                23,
                format!("`pods insecure`: any address written with dashes answers, {address}, whether a Pod has it or not"),
            );
        }
        Reading::Exists
    }

    /// CoreDNS `findServices` (rules 11–20, 25, 26).
    fn service(
        &mut self,
        namespace: &str,
        name: &str,
        part: ServicePart<'_>,
        zone: &Name,
        multicluster: bool,
    ) -> Reading {
        if !self.namespace_exposed(namespace) {
            self.services_elsewhere(namespace, name, zone);
            return Reading::NameError;
        }
        let cluster = self.asked.cluster;
        let view = if multicluster {
            cluster
                .find_service_import(namespace, name)
                .map(ServiceView::Import)
        } else {
            cluster
                .find_service(namespace, name)
                .map(ServiceView::Service)
        };
        let Some(view) = view else {
            let kind = if multicluster {
                "ServiceImport"
            } else {
                "Service"
            };
            self.step(
                11,
                format!("there is no {kind} {name:?} in namespace {namespace:?}"),
            );
            self.missing_service_near_misses(namespace, name, zone, multicluster);
            return Reading::NameError;
        };
        let at = view_at(view);
        let headless = view.is_headless();
        let external = view.service().and_then(|service| {
            service.service_type.is_external_name().then(|| {
                (
                    service.external_name().unwrap_or_default().to_owned(),
                    service.cname_target().map(str::to_owned),
                )
            })
        });
        let kind = match (&external, headless, view) {
            (Some((target, _)), _, _) => format!("an ExternalName Service for {target:?}"),
            (None, true, ServiceView::Service(_)) => {
                "a headless Service (clusterIP: None)".to_owned()
            }
            (None, true, ServiceView::Import(_)) => "a Headless ServiceImport".to_owned(),
            (None, false, ServiceView::Service(_)) => {
                format!("a ClusterIP Service ({})", ips_text(view.virtual_ips()))
            }
            (None, false, ServiceView::Import(_)) => format!(
                "a ClusterSetIP ServiceImport ({})",
                ips_text(view.virtual_ips())
            ),
        };
        let rule = match (&external, headless) {
            (Some(_), _) => 19,
            (None, true) => 12,
            (None, false) => 11,
        };
        let found = self.step(
            rule,
            format!("{} {namespace}/{name} is {kind}", at.object.kind),
        );
        found.objects.push(at.clone());
        if self.asked.config.ignore_empty_service
            && external.is_none()
            && !headless
            && !self.context_has_ready(view)
        {
            self.step(
                11,
                "`ignore empty_service`: a ClusterIP Service without ready endpoints has no name"
                    .to_owned(),
            );
            return Reading::NameError;
        }
        if matches!(part, ServicePart::Zonal(_)) && !headless {
            self.step(
                26,
                "zonal names exist only for headless Services: a virtual IP has no zone".to_owned(),
            );
            return Reading::NameError;
        }
        if let Some((target, cname)) = external {
            return match (cname, part) {
                (Some(cname), ServicePart::Whole) => {
                    self.step(
                        19,
                        format!(
                            "its name is a CNAME to {cname}.; for A and AAAA the server follows it"
                        ),
                    );
                    if matches!(self.asked.qtype, RecordType::A | RecordType::AAAA) {
                        self.chase(&cname);
                        Reading::Chased
                    } else {
                        Reading::Exists
                    }
                }
                (Some(_), _) => {
                    self.step(20, "an ExternalName has no endpoints, ports or zones: names below it do not exist".to_owned());
                    Reading::NameError
                }
                (None, _) => {
                    self.step(19, format!("its externalName {target:?} is an IP address, which CoreDNS ignores: no CNAME, and the name does not exist"));
                    self.near(
                        format!("ExternalName {namespace}/{name} points at an IP address"),
                        vec![at],
                        format!("make {name} a selectorless ClusterIP or headless Service with an Endpoints object (or EndpointSlice) holding {target}"),
                    );
                    Reading::NameError
                }
            };
        }
        if let ServicePart::Zonal(_) = part {
            self.step(
                26,
                "a zonal name exists whatever its zone holds; the endpoints of that zone answer"
                    .to_owned(),
            );
            self.endpoints(view, part, namespace, name);
            return Reading::Exists;
        }
        if headless || part.endpoint().is_some() {
            if !headless {
                self.step(
                    15,
                    "an endpoint name under a ClusterIP Service still names that endpoint"
                        .to_owned(),
                );
            }
            let answering = self.endpoints(view, part, namespace, name);
            if answering == 0 {
                let what = if part.endpoint().is_some() {
                    "no ready endpoint has that name"
                } else {
                    "no ready endpoint answers the name"
                };
                self.step(12, format!("{what}, so the name does not exist"));
                self.no_endpoint_near_misses(view, part, namespace, name, zone);
                return Reading::NameError;
            }
            return Reading::Exists;
        }
        let port = part.port();
        let ports: Vec<(Option<&str>, &str)> = view
            .ports()
            .map(|(name, protocol, _)| (name, protocol.as_str()))
            .collect();
        if !ports
            .iter()
            .any(|(name, protocol)| port_matches(port, *name, protocol))
        {
            let listed = ports_text(&ports);
            self.step(17, format!("no port of it matches the port name and protocol asked for (its ports: {listed}), so the name does not exist"));
            self.port_near_misses(&ports, namespace, name, zone);
            return Reading::NameError;
        }
        let answers = match self.asked.qtype {
            RecordType::A => family_text(view.virtual_ips(), false),
            RecordType::AAAA => family_text(view.virtual_ips(), true),
            RecordType::SRV => "one SRV per matching port, targeting the Service's name".to_owned(),
            _ => "the Service's name exists".to_owned(),
        };
        self.step(
            11,
            format!("a ClusterIP name answers its virtual IPs, never its endpoints: {answers}"),
        );
        Reading::Exists
    }

    fn context_has_ready(&self, view: ServiceView<'_>) -> bool {
        self.context.visible_slices(view).next().is_some() && view.linked().has_ready()
    }
}

/// Whether the zone part of `name` (its last `zone_labels` labels) is in lower case.
fn zone_is_lowercase(name: &Name, zone_labels: usize) -> bool {
    let count = name.iter().count();
    name.iter()
        .skip(count.saturating_sub(zone_labels))
        .all(|label| !label.iter().any(u8::is_ascii_uppercase))
}

fn pod_finished(pod: &crate::model::Pod) -> bool {
    use crate::model::PodPhase;
    matches!(
        pod.phase,
        Some(PodPhase::Succeeded | PodPhase::Failed | PodPhase::Unknown)
    )
}

fn family_text(ips: &[IpAddr], v6: bool) -> String {
    let matching: Vec<IpAddr> = ips
        .iter()
        .copied()
        .filter(|ip| ip.is_ipv6() == v6)
        .collect();
    if matching.is_empty() {
        let family = if v6 { "IPv6" } else { "IPv4" };
        format!("it has no {family} cluster IP, so no records of this type (NODATA)")
    } else {
        ips_text(&matching)
    }
}
