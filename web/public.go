package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"baocao/ops"
	"baocao/reporting"
	"baocao/web/ui"
)

// The public page /cong-khai (issue 17): what an administrator published,
// for anyone, without signing in — as HTML with SVG charts, CSV and JSON.
// Every answer is the same for everyone (the layout shows no user even to
// one signed in), so it is cached: in the process for publicTTL, keyed by
// path, emptied when a publication changes; and by browsers and proxies
// (Cache-Control public, an ETag answered with 304).

// publicTTL is how long a public answer is fresh; publicStale how long
// an older one is still served while a fresh one is made in the
// background, so that readers never wait for a province's totals to be
// computed, except the first after a start or a publication change.
const (
	publicTTL   = time.Minute
	publicStale = time.Hour
)

// publicAnswer is one cached answer.
type publicAnswer struct {
	body        []byte
	contentType string
	etag        string
	made        time.Time
}

// publicCache holds the public answers by path.
type publicCache struct {
	mu         sync.Mutex
	answers    map[string]publicAnswer
	refreshing map[string]bool
}

// get is the cached answer for path, and whether it needs making afresh.
func (c *publicCache) get(path string, now time.Time) (a publicAnswer, ok, stale bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	a, ok = c.answers[path]
	age := now.Sub(a.made)
	switch {
	case !ok || age >= publicStale || age < 0:
		return publicAnswer{}, false, false
	case age >= publicTTL && !c.refreshing[path]:
		if c.refreshing == nil {
			c.refreshing = map[string]bool{}
		}
		c.refreshing[path] = true
		return a, true, true
	}
	return a, true, false
}

func (c *publicCache) put(path string, a publicAnswer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.answers == nil || len(c.answers) > 1000 {
		c.answers = map[string]publicAnswer{}
	}
	c.answers[path] = a
	delete(c.refreshing, path)
}

// done ends a refresh that failed.
func (c *publicCache) done(path string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.refreshing, path)
}

// clear empties the cache: a publication changed.
func (c *publicCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.answers = nil
}

// publicMaker makes a public answer: its body and content type.
type publicMaker func(ctx context.Context) ([]byte, string, error)

// servePublic answers r from the cache, or from make, stored in it; a
// stale answer is served while make runs in the background. A refusal (not
// published) is the 404 page, never cached.
func (s *Server) servePublic(w http.ResponseWriter, r *http.Request, make publicMaker) {
	now := s.now()
	path := r.URL.Path
	a, ok, stale := s.public.get(path, now)
	if stale {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 30*time.Second)
		go func() {
			defer cancel()
			fresh, err := s.makePublic(ctx, make, now)
			if err != nil {
				s.public.done(path)
				s.log.WarnContext(ctx, "public answer not refreshed", "path", path, "err", err)
				return
			}
			s.public.put(path, fresh)
		}()
	}
	if !ok {
		var err error
		if a, err = s.makePublic(r.Context(), make, now); err != nil {
			s.pageError(w, r, err)
			return
		}
		s.public.put(path, a)
	}
	h := w.Header()
	h.Set("Cache-Control", fmt.Sprintf("public, max-age=%d", int(publicTTL.Seconds())))
	h.Set("ETag", a.etag)
	h.Set("Last-Modified", a.made.UTC().Format(http.TimeFormat))
	if match := r.Header.Get("If-None-Match"); match != "" && strings.Contains(match, a.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", a.contentType)
	if strings.HasPrefix(a.contentType, "text/html") {
		h.Set("Content-Security-Policy", ui.ContentSecurityPolicy)
	}
	h.Set("Content-Length", strconv.Itoa(len(a.body)))
	_, _ = w.Write(a.body)
}

func (s *Server) makePublic(ctx context.Context, make publicMaker, now time.Time) (publicAnswer, error) {
	body, ctype, err := make(ctx)
	if err != nil {
		return publicAnswer{}, err
	}
	sum := sha256.Sum256(body)
	return publicAnswer{body: body, contentType: ctype, etag: `"` + hex.EncodeToString(sum[:12]) + `"`, made: now}, nil
}

// publicPage renders a public page as anyone sees it: no user, no token.
func (s *Server) publicPage(name, title string, content any) ([]byte, string, error) {
	var buf bytes.Buffer
	if err := s.ui.Execute(&buf, name, ui.Page{Title: title, Nav: "public", Content: content}); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), "text/html; charset=utf-8", nil
}

// handlePublicIndex lists what is published.
func (s *Server) handlePublicIndex(w http.ResponseWriter, r *http.Request) {
	s.servePublic(w, r, func(ctx context.Context) ([]byte, string, error) {
		pubs, err := s.opts.Ops.Publications(ctx)
		if err != nil {
			return nil, "", err
		}
		return s.publicPage("public-index", "Công khai kết quả thực hiện dân chủ ở cơ sở", ui.PublicIndexPage{Publications: pubs})
	})
}

// handlePublicFeed is the JSON list of what is published, with the
// addresses of each item's data.
func (s *Server) handlePublicFeed(w http.ResponseWriter, r *http.Request) {
	s.servePublic(w, r, func(ctx context.Context) ([]byte, string, error) {
		pubs, err := s.opts.Ops.Publications(ctx)
		if err != nil {
			return nil, "", err
		}
		type item struct {
			Title       string    `json:"title"`
			Label       string    `json:"label"`
			PublishedAt time.Time `json:"published_at"`
			Page        string    `json:"page"`
			JSON        string    `json:"json"`
			CSV         string    `json:"csv"`
		}
		items := []item{}
		for _, p := range pubs {
			base := publicPath(p.PeriodID, p.RoundID)
			items = append(items, item{Title: p.Title, Label: p.Label, PublishedAt: p.PublishedAt, Page: base, JSON: base + "/du-lieu.json", CSV: base + "/du-lieu.csv"})
		}
		return jsonBody(map[string]any{"items": items})
	})
}

func publicPath(periodID, roundID int64) string {
	if periodID > 0 {
		return fmt.Sprintf("/cong-khai/ky/%d", periodID)
	}
	return fmt.Sprintf("/cong-khai/danh-gia/%d", roundID)
}

func jsonBody(v any) ([]byte, string, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, "", fmt.Errorf("encode public JSON: %w", err)
	}
	return b, "application/json; charset=utf-8", nil
}

// publicItem is the published period's or round's number in the path and
// the file asked for ("" for its page, du-lieu.csv, du-lieu.json); the
// 404 page and false for anything else.
func (s *Server) publicItem(w http.ResponseWriter, r *http.Request) (int64, string, bool) {
	id, ok := s.pathID(w, r)
	if !ok {
		return 0, "", false
	}
	file := r.PathValue("file")
	if file != "" && file != "du-lieu.csv" && file != "du-lieu.json" {
		s.handleNotFound(w, r)
		return 0, "", false
	}
	return id, file, true
}

// handlePublicPeriod answers a published period: its page, or its data
// (/du-lieu.csv, /du-lieu.json).
func (s *Server) handlePublicPeriod(w http.ResponseWriter, r *http.Request) {
	id, file, ok := s.publicItem(w, r)
	if !ok {
		return
	}
	s.servePublic(w, r, func(ctx context.Context) ([]byte, string, error) {
		v, err := s.opts.Ops.PublicPeriodView(ctx, s.now(), id)
		if err != nil {
			return nil, "", err
		}
		switch file {
		case "du-lieu.json":
			return jsonBody(v)
		case "du-lieu.csv":
			return periodCSV(v)
		}
		return s.publicPage("public-period", v.FormTitle+" — "+v.Label, publicPeriodPage(v))
	})
}

func publicPeriodPage(v ops.PublicPeriod) ui.PublicPeriodPage {
	p := ui.PublicPeriodPage{PublicPeriod: v, Base: fmt.Sprintf("/cong-khai/ky/%d", v.Publication.PeriodID)}
	p.ByKindChart = ui.BarChart{Title: "Tỷ lệ gửi báo cáo đúng hạn theo loại đơn vị"}
	for _, k := range v.ByKind {
		p.ByKindChart.Bars = append(p.ByKindChart.Bars, ui.Bar{Label: k.Group, Value: fmt.Sprintf("%d/%d đơn vị", k.OnTime, k.Obliged-k.Exempt), Rate: k.OnTimeAll})
	}
	if len(v.ByParent) <= 40 {
		p.ByParentChart = ui.BarChart{Title: "Tỷ lệ gửi báo cáo đúng hạn theo đơn vị cấp trên"}
		for _, g := range v.ByParent {
			p.ByParentChart.Bars = append(p.ByParentChart.Bars, ui.Bar{Label: g.Group, Value: fmt.Sprintf("%d/%d", g.OnTime, g.Obliged-g.Exempt), Rate: g.OnTimeAll})
		}
	}
	return p
}

// periodCSV is a published period's groups, one row each: compliance and
// the published totals.
func periodCSV(v ops.PublicPeriod) ([]byte, string, error) {
	var b bytes.Buffer
	b.WriteString("\ufeff")
	cw := csv.NewWriter(&b)
	head := []string{"cap", "nhom", "phai_bao_cao", "da_bao_cao_duoc_tinh"}
	for _, f := range v.Fields {
		head = append(head, f.Code)
	}
	cw.Write(head) //nolint:errcheck // a bytes.Buffer does not fail
	for _, t := range v.Totals {
		row := []string{t.Level, t.Group, strconv.Itoa(t.Obliged), strconv.Itoa(t.Reported)}
		cw.Write(append(row, t.Values...)) //nolint:errcheck
	}
	cw.Write(nil)                                                                                                                 //nolint:errcheck
	cw.Write([]string{"cap", "nhom", "phai_bao_cao", "mien", "da_nop", "dung_han", "muon", "qua_han_chua_nop", "ty_le_dung_han"}) //nolint:errcheck
	counts := func(level string, c ops.PublicCounts) {
		cw.Write([]string{level, c.Group, strconv.Itoa(c.Obliged), strconv.Itoa(c.Exempt), strconv.Itoa(c.Filed), strconv.Itoa(c.OnTime), //nolint:errcheck
			strconv.Itoa(c.Late), strconv.Itoa(c.Missing), strconv.FormatFloat(c.OnTimeAll*100, 'f', 1, 64)})
	}
	counts("province", v.Total)
	for _, k := range v.ByKind {
		counts("kind", k)
	}
	for _, g := range v.ByParent {
		counts("parent", g)
	}
	cw.Flush()
	return b.Bytes(), "text/csv; charset=utf-8", cw.Error()
}

// handlePublicRound answers a published evaluation round: its page, or
// its data.
func (s *Server) handlePublicRound(w http.ResponseWriter, r *http.Request) {
	id, file, ok := s.publicItem(w, r)
	if !ok {
		return
	}
	s.servePublic(w, r, func(ctx context.Context) ([]byte, string, error) {
		v, err := s.opts.Ops.PublicRoundView(ctx, id)
		if err != nil {
			return nil, "", err
		}
		switch file {
		case "du-lieu.json":
			return jsonBody(v)
		case "du-lieu.csv":
			var b bytes.Buffer
			b.WriteString("\ufeff")
			cw := csv.NewWriter(&b)
			cw.Write([]string{"ma_don_vi", "don_vi", "loai", "cap_tren", "diem", "xep_loai", "hang_trong_loai", "hang_trong_cap_tren"}) //nolint:errcheck
			for _, u := range v.Units {
				cw.Write([]string{u.Code, u.Name, u.Kind, u.Parent, strconv.FormatFloat(u.Score, 'f', -1, 64), u.Rating, //nolint:errcheck
					strconv.Itoa(u.RankKind), strconv.Itoa(u.RankParent)})
			}
			cw.Flush()
			return b.Bytes(), "text/csv; charset=utf-8", cw.Error()
		}
		p := ui.PublicRoundPage{PublicRound: v, Base: fmt.Sprintf("/cong-khai/danh-gia/%d", id), Chart: ui.BarChart{Title: fmt.Sprintf("Xếp loại năm %d", v.Year)}}
		for i, label := range v.Ratings {
			p.Chart.Bars = append(p.Chart.Bars, ui.Bar{Label: label, Value: fmt.Sprintf("%d đơn vị", v.Total[i]), Rate: float64(v.Total[i]) / float64(max(1, len(v.Units)))})
		}
		return s.publicPage("public-round", fmt.Sprintf("Kết quả đánh giá năm %d", v.Year), p)
	})
}

// handleAdminPublications lists the publications and what can be
// published.
func (s *Server) handleAdminPublications(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedInAdmin(w, r)
	if !ok {
		return
	}
	p, err := s.opts.Ops.PublicationsAdmin(r.Context(), u, s.now())
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.page(w, r, "admin-publications", "Công khai", "admin-publications", ui.PublicationsAdminPage{PublicationsAdmin: p})
}

// handleAdminPublish publishes a period (with its fields) or a round, or
// withdraws a publication.
func (s *Server) handleAdminPublish(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedInAdmin(w, r)
	if !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		s.pageError(w, r, reporting.Errorf(reporting.EINVALID, "%s", msgBadForm))
		return
	}
	ctx, now := r.Context(), s.now()
	var (
		err error
		msg string
	)
	switch {
	case r.PostForm.Get("withdraw") != "":
		id, _ := strconv.ParseInt(r.PostForm.Get("withdraw"), 10, 64)
		err, msg = s.opts.Ops.Unpublish(ctx, u, now, id), "Đã thôi công khai."
	case r.PostForm.Get("round") != "":
		id, _ := strconv.ParseInt(r.PostForm.Get("round"), 10, 64)
		_, err = s.opts.Ops.PublishRound(ctx, u, now, id)
		msg = "Đã công khai kết quả đánh giá."
	default:
		id, _ := strconv.ParseInt(r.PostForm.Get("period"), 10, 64)
		_, err = s.opts.Ops.PublishPeriod(ctx, u, now, id, r.PostForm["field"])
		msg = "Đã công khai kỳ báo cáo."
	}
	if err == nil {
		s.public.clear()
	}
	s.actionDone(w, r, "/admin/publications", err, msg)
}
