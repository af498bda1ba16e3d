package web

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestClientAddressBelievesOnlyTrustedProxies(t *testing.T) {
	loopback := New(Options{})
	office := New(Options{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.168.1.10/32")}})
	for _, c := range []struct {
		name    string
		s       *Server
		remote  string
		headers map[string][]string
		want    string
	}{
		{"a direct client", loopback, "198.51.100.7:4000", nil, "198.51.100.7"},
		{"a direct client naming another address", loopback, "198.51.100.7:4000",
			map[string][]string{"X-Real-Ip": {"203.0.113.1"}, "X-Forwarded-For": {"203.0.113.2"}}, "198.51.100.7"},
		{"the local proxy's X-Real-IP", loopback, "127.0.0.1:3000", map[string][]string{"X-Real-Ip": {"198.51.100.7"}}, "198.51.100.7"},
		{"the local proxy over IPv6", loopback, "[::1]:3000", map[string][]string{"X-Real-Ip": {"2001:db8::7"}}, "2001:db8::7"},
		{"the local proxy with a malformed X-Real-IP", loopback, "127.0.0.1:3000", map[string][]string{"X-Real-Ip": {"nobody"}}, "127.0.0.1"},
		{"X-Forwarded-For: the hop the proxy saw, not what the client wrote", loopback, "127.0.0.1:3000",
			map[string][]string{"X-Forwarded-For": {"203.0.113.66, 198.51.100.7"}}, "198.51.100.7"},
		{"X-Forwarded-For over two trusted proxies", office, "10.0.0.2:3000",
			map[string][]string{"X-Forwarded-For": {"203.0.113.66", "198.51.100.7, 192.168.1.10"}}, "198.51.100.7"},
		{"X-Forwarded-For with a malformed hop", office, "10.0.0.2:3000",
			map[string][]string{"X-Forwarded-For": {"198.51.100.7, junk, 10.0.0.9"}}, "10.0.0.2"},
		{"a configured list replaces loopback", office, "127.0.0.1:3000", map[string][]string{"X-Real-Ip": {"198.51.100.7"}}, "127.0.0.1"},
		{"the configured proxy", office, "10.20.30.40:3000", map[string][]string{"X-Real-Ip": {"198.51.100.7"}}, "198.51.100.7"},
		{"a host just outside the configured proxy", office, "192.168.1.11:3000", map[string][]string{"X-Real-Ip": {"198.51.100.7"}}, "192.168.1.11"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.remote
		for k, v := range c.headers {
			r.Header[k] = v
		}
		if got := c.s.clientAddress(r); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}
