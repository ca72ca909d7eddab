//! Works out the client's address once per request, for throttling and rate limits. It is the
//! TCP peer, unless the peer is one of the configured proxies (`KND_TRUSTED_PROXIES`): then it
//! is the rightmost `X-Forwarded-For` hop that is not a trusted proxy. Hops to the left of that
//! one were written by the client itself and prove nothing, so they are never used.

use std::{
    net::{IpAddr, SocketAddr},
    str::FromStr,
    sync::Arc,
};

use app::server::throttle::ClientAddress;
use axum::{
    extract::{ConnectInfo, Request, State},
    middleware::Next,
    response::Response,
};
use http::HeaderMap;
use ipnet::IpNet;

/// The proxies (load balancers) whose `X-Forwarded-For` entries are believed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Arc<Vec<IpNet>>);

impl TrustedProxies {
    /// Parses a comma-separated list of addresses and CIDR ranges (`10.0.0.0/8, ::1`); an
    /// empty list trusts no proxy.
    pub fn parse(list: &str) -> Result<TrustedProxies, String> {
        let mut nets = Vec::new();
        for item in list.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let net = IpNet::from_str(item)
                .or_else(|_| IpAddr::from_str(item).map(IpNet::from))
                .map_err(|_| format!("«{item}» is not an IP address or a CIDR range"))?;
            nets.push(net);
        }
        Ok(TrustedProxies(Arc::new(nets)))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether the address belongs to a trusted proxy (IPv4-mapped IPv6 addresses count as the
    /// IPv4 address they carry).
    pub fn contains(&self, address: IpAddr) -> bool {
        let address = address.to_canonical();
        self.0.iter().any(|net| net.contains(&address))
    }
}

/// One `X-Forwarded-For` hop as an address: `1.2.3.4`, `2001:db8::1`, `[2001:db8::1]`, or
/// either with a port. Anything else (`unknown`, obfuscated names, garbage) is `None`.
pub fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim().trim_matches('"');
    IpAddr::from_str(hop)
        .ok()
        .or_else(|| SocketAddr::from_str(hop).ok().map(|s| s.ip()))
        .or_else(|| {
            hop.strip_prefix('[')
                .and_then(|h| h.strip_suffix(']'))
                .and_then(|h| IpAddr::from_str(h).ok())
        })
        .map(|ip| ip.to_canonical())
}

/// The client behind `peer`: walking `X-Forwarded-For` from the right, starting from the
/// socket's peer, the first address that is not a trusted proxy. The header is read only when
/// the peer itself is trusted. A hop that is not an address stops the walk at the last trusted
/// hop: what lies left of it was not written by our proxies, so it cannot name the client (and
/// an attacker must not get a new identity for every string they send).
pub fn client_of(peer: IpAddr, headers: &HeaderMap, trusted: &TrustedProxies) -> IpAddr {
    let mut client = peer.to_canonical();
    if !trusted.contains(client) {
        return client;
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .collect();
    for hop in hops.into_iter().rev() {
        let Some(address) = parse_hop(hop) else {
            return client;
        };
        client = address;
        if !trusted.contains(address) {
            return client;
        }
    }
    client
}

pub async fn identify(
    State(trusted): State<TrustedProxies>,
    mut request: Request,
    next: Next,
) -> Response {
    let address = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| client_of(peer.ip(), request.headers(), &trusted).to_string())
        .unwrap_or_else(|| "unknown".to_owned());
    request.extensions_mut().insert(ClientAddress(address));
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for value in values {
            map.append("x-forwarded-for", value.parse().unwrap());
        }
        map
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn proxies(list: &str) -> TrustedProxies {
        TrustedProxies::parse(list).unwrap()
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        let forwarded = headers(&["203.0.113.9"]);
        assert_eq!(
            client_of(ip("10.0.0.2"), &forwarded, &TrustedProxies::default()),
            ip("10.0.0.2")
        );
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_forwards() {
        let forwarded = headers(&["203.0.113.9"]);
        assert_eq!(
            client_of(ip("198.51.100.1"), &forwarded, &proxies("10.0.0.0/8")),
            ip("198.51.100.1")
        );
    }

    #[test]
    fn the_rightmost_untrusted_hop_is_the_client_not_the_first_entry() {
        // The client wrote «1.1.1.1» itself; our proxy appended the address it saw.
        let forwarded = headers(&["1.1.1.1, 203.0.113.9"]);
        assert_eq!(
            client_of(ip("10.0.0.2"), &forwarded, &proxies("10.0.0.0/8")),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn a_chain_of_trusted_proxies_is_walked_through() {
        // Client → CDN edge (192.0.2.10, trusted) → balancer (10.0.0.2) → us.
        let forwarded = headers(&["6.6.6.6, 203.0.113.9", "192.0.2.10"]);
        let trusted = proxies("10.0.0.0/8, 192.0.2.0/24");
        assert_eq!(
            client_of(ip("10.0.0.2"), &forwarded, &trusted),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn ipv6_hops_and_ranges_work_with_and_without_brackets_and_ports() {
        let trusted = proxies("2001:db8:ffff::/48");
        for hop in ["2001:db8:1::7", "[2001:db8:1::7]", "[2001:db8:1::7]:51234"] {
            let forwarded = headers(&[&format!("2001:db8:6::6, {hop}")]);
            assert_eq!(
                client_of(ip("2001:db8:ffff::1"), &forwarded, &trusted),
                ip("2001:db8:1::7"),
                "{hop}"
            );
        }
        let forwarded = headers(&["203.0.113.9:4711"]);
        assert_eq!(
            client_of(ip("2001:db8:ffff::1"), &forwarded, &trusted),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn ipv4_mapped_addresses_count_as_ipv4() {
        // A dual-stack socket reports an IPv4 proxy as ::ffff:10.0.0.2.
        let forwarded = headers(&["::ffff:203.0.113.9"]);
        assert_eq!(
            client_of(ip("::ffff:10.0.0.2"), &forwarded, &proxies("10.0.0.2")),
            ip("203.0.113.9")
        );
        assert!(proxies("10.0.0.2").contains(ip("::ffff:10.0.0.2")));
    }

    #[test]
    fn garbage_stops_the_walk_at_the_last_trusted_hop() {
        let trusted = proxies("10.0.0.0/8");
        for garbage in [
            "unknown",
            "",
            "999.1.1.1",
            "<script>",
            "_hidden",
            "1.2.3.4.5",
        ] {
            // Whatever the client writes, it never becomes a new identity.
            let forwarded = headers(&[&format!("203.0.113.9, {garbage}")]);
            assert_eq!(
                client_of(ip("10.0.0.2"), &forwarded, &trusted),
                ip("10.0.0.2"),
                "{garbage:?}"
            );
        }
        let forwarded = headers(&["garbage, 10.0.0.7"]);
        assert_eq!(
            client_of(ip("10.0.0.2"), &forwarded, &trusted),
            ip("10.0.0.7")
        );
    }

    #[test]
    fn when_every_hop_is_trusted_the_leftmost_is_the_client() {
        let forwarded = headers(&["10.0.0.9, 10.0.0.8"]);
        assert_eq!(
            client_of(ip("10.0.0.2"), &forwarded, &proxies("10.0.0.0/8")),
            ip("10.0.0.9")
        );
        assert_eq!(
            client_of(ip("10.0.0.2"), &HeaderMap::new(), &proxies("10.0.0.0/8")),
            ip("10.0.0.2")
        );
    }

    #[test]
    fn the_proxy_list_takes_addresses_and_ranges_and_refuses_anything_else() {
        let trusted = proxies(" 10.0.0.0/8 ,192.0.2.1, ::1 ,");
        assert!(trusted.contains(ip("10.255.0.1")));
        assert!(trusted.contains(ip("192.0.2.1")));
        assert!(!trusted.contains(ip("192.0.2.2")));
        assert!(trusted.contains(ip("::1")));
        assert!(proxies("").is_empty());
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert!(TrustedProxies::parse("proxy.example.ru").is_err());
    }
}
