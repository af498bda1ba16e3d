package pglocal

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// serverPrograms are what provisioning needs; pg_ctl starts the postgres in
// its own folder, so all three must sit together.
var serverPrograms = []string{"initdb", "pg_ctl", "postgres"}

// debianBinGlob is where Debian's postgresql-NN packages put the server
// programs; they are not on PATH there, only the client wrappers are.
const debianBinGlob = "/usr/lib/postgresql/*/bin"

// binDirs lists the folders holding all of serverPrograms, best first: the
// explicit ones in order, or Debian's by descending version, then PATH's.
func binDirs(explicit []string) []string {
	candidates := explicit
	if len(candidates) == 0 {
		candidates = debianBinDirs()
		if p, err := exec.LookPath("pg_ctl"); err == nil {
			if real, err := filepath.EvalSymlinks(p); err == nil {
				p = real
			}
			candidates = append(candidates, filepath.Dir(p))
		}
	}
	var dirs []string
	for _, d := range candidates {
		if hasServerPrograms(d) && !slices.Contains(dirs, d) {
			dirs = append(dirs, d)
		}
	}
	return dirs
}

func debianBinDirs() []string {
	dirs, _ := filepath.Glob(debianBinGlob) // the pattern is valid
	slices.SortFunc(dirs, func(a, b string) int {
		return compareVersions(filepath.Base(filepath.Dir(b)), filepath.Base(filepath.Dir(a)))
	})
	return dirs
}

// compareVersions orders "9.6" < "15" < "17", which string order does not.
func compareVersions(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := range max(len(as), len(bs)) {
		var x, y int
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		}
		if x != y {
			return x - y
		}
	}
	return 0
}

func hasServerPrograms(dir string) bool {
	for _, name := range serverPrograms {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
			return false
		}
	}
	return true
}

// noBinariesError tells the user exactly what to install.
func noBinariesError(explicit []string) error {
	where := debianBinGlob + " and PATH"
	if len(explicit) > 0 {
		where = strings.Join(explicit, ", ")
	}
	return fmt.Errorf("%w (looked in %s): install them with `apt-get install postgresql`, "+
		"or set BAOCAO_DATABASE_URL to an existing PostgreSQL database", ErrNoBinaries, where)
}

var versionRE = regexp.MustCompile(`\(PostgreSQL\) (\d+)(?:\.(\d+))?`)

// majorVersion is the major version of the server in dir, spelled as the
// PG_VERSION file of a cluster it makes spells it ("15", or "9.6" before 10).
// Running `postgres --version` is allowed as root.
func majorVersion(ctx context.Context, dir string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, filepath.Join(dir, "postgres"), "--version").Output()
	if err != nil {
		return "", fmt.Errorf("%s/postgres --version: %w", dir, err)
	}
	m := versionRE.FindStringSubmatch(string(out))
	if m == nil {
		return "", fmt.Errorf("%s/postgres --version: unexpected output %q", dir, out)
	}
	if major, _ := strconv.Atoi(m[1]); major < 10 && m[2] != "" {
		return m[1] + "." + m[2], nil
	}
	return m[1], nil
}

// pickBinDir chooses the programs to run a cluster with: the newest for a
// new cluster, and for an existing one those of the major version that made
// it, since a server cannot open another major version's data folder.
func pickBinDir(ctx context.Context, explicit []string, clusterVersion string) (string, error) {
	dirs := binDirs(explicit)
	if len(dirs) == 0 {
		return "", noBinariesError(explicit)
	}
	if clusterVersion == "" {
		return dirs[0], nil
	}
	var found []string
	for _, d := range dirs {
		v, err := majorVersion(ctx, d)
		if err != nil {
			return "", err
		}
		if v == clusterVersion {
			return d, nil
		}
		found = append(found, v)
	}
	return "", fmt.Errorf("the cluster was made by PostgreSQL %s but only version %s is installed: "+
		"install it with `apt-get install postgresql-%s`, or move the data folder away to start afresh",
		clusterVersion, strings.Join(found, ", "), clusterVersion)
}
