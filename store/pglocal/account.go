package pglocal

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// account is the OS user PostgreSQL's programs run as.
type account struct {
	// cred switches to the postgres system user; nil runs the programs as
	// baocao's own user, which is fine for anyone but root.
	cred *syscall.Credential
	name string
	home string
}

// programAccount picks the user to run initdb, pg_ctl and postgres as. They
// all refuse root ("cannot be run as root"), so root hands them to the
// postgres user the Debian package creates.
func programAccount() (account, error) {
	if os.Geteuid() != 0 {
		return account{}, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return account{}, fmt.Errorf("baocao runs as root, which PostgreSQL refuses, and there is no "+
			"\"postgres\" system user to run it as (%v): install the postgresql package "+
			"(`apt-get install postgresql`), which creates that user, or create it with "+
			"`adduser --system --group --home /var/lib/postgresql postgres`", err)
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err1 != nil || err2 != nil {
		return account{}, fmt.Errorf("user postgres has a non-numeric uid %q or gid %q", u.Uid, u.Gid)
	}
	cred := &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	// Supplementary groups too, so the permission checks below agree with
	// what the kernel will allow the programs.
	if ids, err := u.GroupIds(); err == nil {
		for _, id := range ids {
			if g, err := strconv.ParseUint(id, 10, 32); err == nil {
				cred.Groups = append(cred.Groups, uint32(g))
			}
		}
	}
	return account{cred: cred, name: u.Username, home: u.HomeDir}, nil
}

// chown gives path to the account, so the programs can write it.
func (a account) chown(path string) error {
	if a.cred == nil {
		return nil
	}
	if err := os.Chown(path, int(a.cred.Uid), int(a.cred.Gid)); err != nil {
		return fmt.Errorf("give %s to user %s: %w", path, a.name, err)
	}
	return nil
}

// owns tells whether path's owner is the account.
func (a account) owns(fi os.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return false
	}
	if a.cred == nil {
		return int(st.Uid) == os.Geteuid()
	}
	return st.Uid == a.cred.Uid
}

// checkReachable makes sure the account can walk down to dir. postgres
// changes into its data folder by absolute path, so every parent must grant
// it search (x) permission; under root's 0700 home or a test's t.TempDir()
// they don't. Loosening them silently would change the security of folders
// we don't own, so the error names each and the chmod that fixes it.
func (a account) checkReachable(dir string) error {
	if a.cred == nil {
		return nil
	}
	var blocked []string
	for p := filepath.Dir(dir); ; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err != nil {
			return fmt.Errorf("check access to %s: %w", p, err)
		}
		if !a.canSearch(fi) {
			blocked = append(blocked, p)
		}
		if p == filepath.Dir(p) {
			break
		}
	}
	if len(blocked) == 0 {
		return nil
	}
	slices.Reverse(blocked)
	verb := "does"
	if len(blocked) > 1 {
		verb = "do"
	}
	return fmt.Errorf("baocao runs as root, so PostgreSQL must run as user %s, which cannot reach the data folder %s "+
		"because %s %s not let others through: run `chmod o+x %s`, or choose a data folder "+
		"under a folder it can reach (e.g. /var/lib/baocao/postgres)",
		a.name, dir, strings.Join(blocked, ", "), verb, strings.Join(blocked, " "))
}

func (a account) canSearch(fi os.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return true // let the programs report it
	}
	switch {
	case st.Uid == a.cred.Uid:
		return st.Mode&0o100 != 0
	case st.Gid == a.cred.Gid || slices.Contains(a.cred.Groups, st.Gid):
		return st.Mode&0o010 != 0
	default:
		return st.Mode&0o001 != 0
	}
}

// runner runs the PostgreSQL programs of one folder as the account.
type runner struct {
	binDir string
	acct   account
}

// run runs prog and returns its combined output; a failure carries the
// output's tail, which is where PostgreSQL says why.
func (r runner) run(ctx context.Context, prog string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, filepath.Join(r.binDir, prog), args...)
	// The inherited working folder may be one the postgres user cannot
	// enter (root's home), which initdb and pg_ctl complain about.
	cmd.Dir = "/"
	cmd.Env = r.env()
	if r.acct.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: r.acct.cred}
	}
	// pg_ctl's server redirects its output to the log file; this only
	// guards against a stray child holding the pipe.
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		return out, fmt.Errorf("%s %s: %w%s", prog, strings.Join(args, " "), err, tail(out))
	}
	return out, nil
}

// env is baocao's environment without PG* variables, which would otherwise
// steer pg_ctl (PGDATA, PGPORT, PGHOST, …) away from the cluster we name.
func (r runner) env() []string {
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		if r.acct.cred != nil && (strings.HasPrefix(kv, "HOME=") || strings.HasPrefix(kv, "USER=") ||
			strings.HasPrefix(kv, "LOGNAME=")) {
			return true
		}
		return strings.HasPrefix(kv, "PG")
	})
	if r.acct.cred != nil {
		env = append(env, "HOME="+r.acct.home, "USER="+r.acct.name, "LOGNAME="+r.acct.name)
	}
	return env
}

// tail is the end of a program's output, enough to show its error.
func tail(out []byte) string {
	out = bytes.TrimSpace(out)
	if len(out) == 0 {
		return ""
	}
	const maxLines, maxBytes = 15, 2000
	if len(out) > maxBytes {
		out = out[len(out)-maxBytes:]
	}
	lines := strings.Split(string(out), "\n")
	if len(lines) > maxLines {
		lines = lines[len(lines)-maxLines:]
	}
	return "\n" + strings.Join(lines, "\n")
}
