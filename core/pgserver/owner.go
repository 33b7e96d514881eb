package pgserver

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
)

// runAs returns the credential postgres must run with: nil when affcore is not
// root, else the "postgres" system user.
func runAs() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, errors.New("running as root: PostgreSQL needs the unprivileged \"postgres\" system user, which the Debian package \"postgresql\" creates (apt-get install postgresql)")
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// mkdirOwned creates dir (mode 0700) and gives it to cred's user.
func mkdirOwned(dir string, cred *syscall.Credential) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return fmt.Errorf("chmod %s: %w", dir, err)
	}
	if cred == nil {
		return nil
	}
	if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
		return fmt.Errorf("give %s to the postgres user: %w", dir, err)
	}
	return nil
}

// chownTree gives every file of an existing cluster to cred's user, so a
// cluster copied or restored by root still starts.
func chownTree(dir string, cred *syscall.Credential) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if st, ok := info.Sys().(*syscall.Stat_t); ok && st.Uid == cred.Uid {
			return nil
		}
		return os.Lchown(p, int(cred.Uid), int(cred.Gid))
	})
}

// ensureReachable makes sure the postgres user can reach dir: every ancestor
// must be searchable by it. Missing search permission for "others" is added
// (never read or write), with a warning naming the directory.
func ensureReachable(dir string, cred *syscall.Credential, log *slog.Logger) error {
	if cred == nil {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	for p := dir; ; p = filepath.Dir(p) {
		info, err := os.Stat(p)
		if err != nil {
			return fmt.Errorf("stat %s: %w", p, err)
		}
		if st, ok := info.Sys().(*syscall.Stat_t); ok && !searchable(info.Mode(), st, cred) {
			log.Warn("granting the postgres user search permission (o+x) on a parent of the data dir", "dir", p)
			if err := os.Chmod(p, info.Mode().Perm()|0o001); err != nil {
				return fmt.Errorf("the postgres user cannot reach %s and it cannot be made searchable: %w", p, err)
			}
		}
		if p == "/" || p == "." {
			return nil
		}
	}
}

func searchable(mode fs.FileMode, st *syscall.Stat_t, cred *syscall.Credential) bool {
	switch {
	case st.Uid == cred.Uid:
		return mode&0o100 != 0
	case st.Gid == cred.Gid:
		return mode&0o010 != 0
	}
	return mode&0o001 != 0
}
