package backup

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// PgDumpName is the PostgreSQL dump inside an archive: pg_dump's custom
// format, restored with pg_restore.
const PgDumpName = "xinzhi.pgdump"

// pgDump writes a custom-format dump of the database at url to file with
// pg_dump (one consistent snapshot; no owners or grants, so it restores
// under another role).
func pgDump(ctx context.Context, url, file string) error {
	bin, err := exec.LookPath("pg_dump")
	if err != nil {
		return problem.New(problem.ErrInvalid, "backup.no_pg_dump")
	}
	dbname, env := libpqURL(url)
	cmd := exec.CommandContext(ctx, bin, "--format=custom", "--no-owner", "--no-privileges", "--file="+file, "--dbname="+dbname)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("pg_dump: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// pgRestore loads a dump into the database at url in one transaction: it
// loads whole or not at all. Unless force, the database must hold no
// tables in its schema.
func pgRestore(ctx context.Context, url, file string, force bool) error {
	bin, err := exec.LookPath("pg_restore")
	if err != nil {
		return problem.New(problem.ErrInvalid, "backup.no_pg_restore")
	}
	db, err := store.Open(ctx, url)
	if err != nil {
		return err
	}
	var n int
	err = db.QueryRowContext(ctx, `SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()`).Scan(&n)
	db.Close()
	if err != nil {
		return fmt.Errorf("restore: look at the target database: %w", err)
	}
	dbname, env := libpqURL(url)
	args := []string{"--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error", "--dbname=" + dbname}
	if n > 0 {
		if !force {
			return problem.New(problem.ErrConflict, "backup.database_not_empty", n)
		}
		args = append(args, "--clean", "--if-exists")
	}
	cmd := exec.CommandContext(ctx, bin, append(args, file)...)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return problem.New(problem.ErrInvalid, "backup.pg_restore_failed", strings.TrimSpace(stderr.String()))
	}
	return nil
}

// libpqURL takes the password out of a database URL and hands it to the
// client tools in PGPASSWORD, so it does not show in the process list.
func libpqURL(raw string) (string, []string) {
	env := os.Environ()
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw, env
	}
	if pw, ok := u.User.Password(); ok {
		env = append(env, "PGPASSWORD="+pw)
		u.User = url.User(u.User.Username())
	}
	return u.String(), env
}
