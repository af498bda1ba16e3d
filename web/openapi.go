package web

import (
	_ "embed"
	"net/http"
)

// OpenAPI is the OpenAPI document of the JSON API, kept by hand next to
// the route table; the web tests validate every API request and answer
// against it.
//
//go:embed openapi.yaml
var OpenAPI []byte

// handleOpenAPI serves the document, to anyone: it says nothing a client
// could not learn by asking.
func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/yaml")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(OpenAPI)
}
