package web

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Behind a reverse proxy every connection is the proxy's, and the client
// is only named by a header the proxy sets. A header is believed only
// from a trusted proxy (Options.TrustedProxies, http.trusted_proxies;
// loopback when none is given, the deployment of deploy/nginx.conf):
// from anyone else it is a claim anyone can forge, to spread sign-in
// guesses over invented addresses or to lock someone else's out.

// defaultTrustedProxies are trusted when Options.TrustedProxies is empty.
var defaultTrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}

// trusted reports whether host (an address without port) is a trusted
// proxy.
func (s *Server) trusted(host string) bool {
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	ip = ip.Unmap()
	prefixes := s.opts.TrustedProxies
	if len(prefixes) == 0 {
		prefixes = defaultTrustedProxies
	}
	for _, p := range prefixes {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// clientAddress is the address a request came from: the connection's;
// when the connection is a trusted proxy's, the X-Real-IP it set, else
// the last address of X-Forwarded-For that is not itself a trusted proxy
// (the one the nearest trusted proxy saw; earlier ones the client may
// have written).
func (s *Server) clientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if !s.trusted(host) {
		return host
	}
	if real := strings.TrimSpace(r.Header.Get("X-Real-IP")); real != "" {
		if ip, err := netip.ParseAddr(real); err == nil {
			return ip.Unmap().String()
		}
	}
	var hops []string
	for _, h := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(h, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		ip, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // a malformed hop: what lies beyond it is not known
		}
		if a := ip.Unmap().String(); !s.trusted(a) {
			return a
		}
	}
	return host
}
