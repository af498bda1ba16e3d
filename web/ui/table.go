package ui

import (
	"net/url"
	"strconv"

	"baocao/reporting"
	"baocao/vi"
)

// Table is a data table (partial "table"): a caption, headers that sort
// by following a link (so sorting works without JavaScript), and rows of
// cells. Pages with richer rows can use the partial "table-head" for the
// headers and write their own <tbody>.
type Table struct {
	Caption string // required: says what the table lists
	Columns []Column
	Rows    [][]Cell
	// Empty is shown instead of the rows when there are none.
	Empty string
}

// Column is a table header.
type Column struct {
	Key     string // the sort key in the URL ("" = not sortable)
	Label   string
	Numeric bool   // right-aligned, tabular digits
	Sort    string // "asc" or "desc" when the table is sorted by it
	Href    string // the link that sorts by it (SetSort fills it)
}

// Cell is one value of a table; Status, if set, shows as a badge.
type Cell struct {
	Text   string
	Href   string
	Status reporting.Status
}

// SetSort marks the column sorted by key in dir ("asc"/"desc") and gives
// every sortable column the link that sorts by it: the current one
// toggles, another starts ascending. The page's other query parameters
// stay, except page, which restarts at 1.
func (t *Table) SetSort(u *url.URL, key, dir string) {
	for i := range t.Columns {
		c := &t.Columns[i]
		if c.Key == "" {
			continue
		}
		next := "asc"
		c.Sort = ""
		if c.Key == key {
			c.Sort = dir
			if dir == "asc" {
				next = "desc"
			}
		}
		q := u.Query()
		q.Set("sort", c.Key)
		q.Set("dir", next)
		q.Del("page")
		c.Href = u.Path + "?" + q.Encode()
	}
}

// Pager is pagination (partial "pagination"): which page of how many, and
// links to the others that keep the rest of the query.
type Pager struct {
	Page, Size, Total int
	url               url.URL
}

// PageLink is a link to a page, or a gap ("…") when Number is 0.
type PageLink struct {
	Number  int
	Href    string
	Current bool
}

// NewPager is the pagination of total items, size per page, showing page
// (1-based, clamped to the range), with links built from u.
func NewPager(u *url.URL, page, size, total int) Pager {
	size = max(size, 1)
	p := Pager{Size: size, Total: max(total, 0), url: *u}
	p.Page = min(max(page, 1), p.Pages())
	return p
}

// Pages is the number of pages, at least 1.
func (p Pager) Pages() int { return max(1, (p.Total+p.Size-1)/p.Size) }

// Href is the link to page n.
func (p Pager) Href(n int) string {
	q := p.url.Query()
	if n <= 1 {
		q.Del("page")
	} else {
		q.Set("page", strconv.Itoa(n))
	}
	if len(q) == 0 {
		return p.url.Path
	}
	return p.url.Path + "?" + q.Encode()
}

// Links are the first, last and nearby pages, with gaps between.
func (p Pager) Links() []PageLink {
	var out []PageLink
	last := 0
	for n := 1; n <= p.Pages(); n++ {
		if n != 1 && n != p.Pages() && (n < p.Page-2 || n > p.Page+2) {
			continue
		}
		if last != 0 && n > last+1 {
			out = append(out, PageLink{})
		}
		out = append(out, PageLink{Number: n, Href: p.Href(n), Current: n == p.Page})
		last = n
	}
	return out
}

// Range says which items the page shows: "Hiển thị 21–40 trong 1.234".
func (p Pager) Range() string {
	if p.Total == 0 {
		return "Không có kết quả"
	}
	from := (p.Page-1)*p.Size + 1
	to := min(p.Page*p.Size, p.Total)
	return "Hiển thị " + vi.Number(from) + "–" + vi.Number(to) + " trong " + vi.Number(p.Total)
}
