package cli

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	xbackup "github.com/xinzhi-platform/xinzhi/internal/backup"
	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/seal"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

func randomPassword() string {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// explain renders an error for the terminal: a problem's message in Chinese
// and English.
func explain(err error) error {
	var pe *problem.Error
	if asProblem(err, &pe) {
		return fmt.Errorf("%s / %s", pe.Message(i18n.ZH), pe.Message(i18n.EN))
	}
	return err
}

func migrate(ctx context.Context, env Env, args []string) error {
	var d dbFlags
	fs := newFlagSet(env, "migrate", "migrate up|status [--data DIR | --db URL]")
	d.register(fs, env)
	if len(args) == 0 || (args[0] != "up" && args[0] != "status") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fs.Usage()
			return nil
		}
		fs.Usage()
		return fmt.Errorf("%w: say up or status", errUsage)
	}
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	db, err := store.Open(ctx, d.url())
	if err != nil {
		return err
	}
	defer db.Close()
	if args[0] == "up" {
		applied, err := db.Migrate(ctx)
		for _, m := range applied {
			fmt.Fprintf(env.Stdout, "applied %04d_%s\n", m.Version, m.Name)
		}
		if err != nil {
			return err
		}
		if len(applied) == 0 {
			fmt.Fprintln(env.Stdout, "database is up to date")
		}
		return nil
	}
	st, err := db.Status(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(env.Stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "engine: %s\nversion\tname\tapplied\n", db.Engine())
	for _, m := range st {
		at := "pending"
		if !m.AppliedAt.IsZero() {
			at = m.AppliedAt.Format("2006-01-02 15:04:05Z")
		}
		fmt.Fprintf(tw, "%04d\t%s\t%s\n", m.Version, m.Name, at)
	}
	return tw.Flush()
}

func parseRoles(s string) []access.Role {
	var out []access.Role
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, access.Role(p))
		}
	}
	return out
}

func readPassword(env Env) (string, error) {
	line, err := bufio.NewReader(env.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", fmt.Errorf("read password from standard input: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func userCmd(ctx context.Context, env Env, args []string) error {
	sub := ""
	if len(args) > 0 {
		sub, args = args[0], args[1:]
	}
	var d dbFlags
	fs := newFlagSet(env, "user "+sub, "user add|passwd|disable|list|reset-mfa|link-person [flags] [USERNAME]")
	d.register(fs, env)
	var username, name, email, roles string
	var org int64
	var stdinPw, enable bool
	switch sub {
	case "add":
		fs.StringVar(&username, "username", "", "username (required)")
		fs.StringVar(&name, "name", "", "display name")
		fs.StringVar(&email, "email", "", "e-mail address")
		fs.StringVar(&roles, "role", "", "role or comma-separated roles: "+roleList())
		fs.Int64Var(&org, "org", 0, "organisation id, for org and finance users")
		fs.BoolVar(&stdinPw, "password-stdin", false, "read the password from standard input instead of generating a one-time password")
	case "passwd":
		fs.BoolVar(&stdinPw, "password-stdin", false, "read the new password from standard input instead of generating a one-time password")
	case "disable":
		fs.BoolVar(&enable, "enable", false, "enable the account again instead")
	case "list", "reset-mfa", "link-person":
	case "-h", "--help", "help":
		fs.Usage()
		return nil
	default:
		fs.Usage()
		return fmt.Errorf("%w: say add, passwd, disable, list, reset-mfa or link-person", errUsage)
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	db, err := d.open(ctx, env)
	if err != nil {
		return err
	}
	defer db.Close()
	a := authService(db, false)
	ctx = cliActor(ctx)
	target := func() (auth.User, error) {
		if fs.NArg() != 1 {
			return auth.User{}, fmt.Errorf("%w: name one account, e.g. xinzhi user %s zhangsan", errUsage, sub)
		}
		return a.UserByName(ctx, fs.Arg(0))
	}
	switch sub {
	case "add":
		pw, must := "xz-"+randomPassword(), true
		if stdinPw {
			if pw, err = readPassword(env); err != nil {
				return err
			}
			must = false
		}
		u, err := a.CreateUser(ctx, auth.NewUser{Username: username, DisplayName: name, Email: email, Password: pw, Roles: parseRoles(roles), OrgID: org, MustChangePassword: must})
		if err != nil {
			return explain(err)
		}
		fmt.Fprintf(env.Stdout, "created %s (id %d, roles %v)\n", u.Username, u.ID, u.Roles)
		if must {
			fmt.Fprintf(env.Stdout, "one-time password (must be changed at first sign-in): %s\n", pw)
		}
	case "passwd":
		u, err := target()
		if err != nil {
			return explain(err)
		}
		pw, must := "xz-"+randomPassword(), true
		if stdinPw {
			if pw, err = readPassword(env); err != nil {
				return err
			}
			must = false
		}
		if err := a.SetPassword(ctx, u.ID, pw, must); err != nil {
			return explain(err)
		}
		fmt.Fprintf(env.Stdout, "password of %s set; their sessions have ended\n", u.Username)
		if must {
			fmt.Fprintf(env.Stdout, "one-time password (must be changed at next sign-in): %s\n", pw)
		}
	case "disable":
		u, err := target()
		if err != nil {
			return explain(err)
		}
		if _, err := a.SetDisabled(ctx, u.ID, !enable); err != nil {
			return explain(err)
		}
		fmt.Fprintf(env.Stdout, "%s %s\n", u.Username, map[bool]string{true: "enabled", false: "disabled; their sessions have ended"}[enable])
	case "link-person":
		// An expert's account stands for a person of the registry, whose
		// employment the review's conflict check reads. The ID number comes
		// on standard input, never on the command line.
		u, err := target()
		if err != nil {
			return explain(err)
		}
		line, _ := bufio.NewReader(env.Stdin).ReadString('\n')
		keys, err := seal.KeyringFromEnv(env.Getenv, d.data)
		if err != nil {
			return err
		}
		p, err := registry.PersonByIDNumber(ctx, db, keys, line)
		if err != nil {
			return fmt.Errorf("no person with that ID number in the registry (import people first): %w", err)
		}
		if err := a.LinkPerson(ctx, u.ID, p.ID); err != nil {
			return explain(err)
		}
		fmt.Fprintf(env.Stdout, "%s now stands for person %d (%s)\n", u.Username, p.ID, p.Name)
	case "reset-mfa":
		u, err := target()
		if err != nil {
			return explain(err)
		}
		if err := a.ResetMFA(ctx, u.ID); err != nil {
			return explain(err)
		}
		fmt.Fprintf(env.Stdout, "second factor of %s reset; they enrol again at next sign-in\n", u.Username)
	case "list":
		users, err := a.Users(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(env.Stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "id\tusername\tname\troles\torg\tmfa\tstate")
		for _, u := range users {
			state := "active"
			if u.Disabled {
				state = "disabled"
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%v\t%s\n", u.ID, u.Username, u.DisplayName, joinRoles(u.Roles), u.OrgID, u.TOTPEnabled, state)
		}
		return tw.Flush()
	}
	return nil
}

func roleList() string {
	names := make([]string, len(access.Roles))
	for i, r := range access.Roles {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}

func joinRoles(rs []access.Role) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = string(r)
	}
	return strings.Join(s, ",")
}

func tokenCmd(ctx context.Context, env Env, args []string) error {
	sub := ""
	if len(args) > 0 {
		sub, args = args[0], args[1:]
	}
	var d dbFlags
	fs := newFlagSet(env, "token "+sub, "token create --role ROLE [--org ID] [--expires 30d] [--name NAME] | token list | token revoke ID")
	d.register(fs, env)
	var role, name, expires string
	var org int64
	switch sub {
	case "create":
		fs.StringVar(&role, "role", "", "the token's role (required): "+roleList()+" (not the three administrator roles)")
		fs.Int64Var(&org, "org", 0, "bind the token to an organisation id (required for org and finance)")
		fs.StringVar(&expires, "expires", "", "lifetime such as 30d, 12h; empty for no expiry")
		fs.StringVar(&name, "name", "", "a name to recognise the token by")
	case "list", "revoke":
	case "-h", "--help", "help":
		fs.Usage()
		return nil
	default:
		fs.Usage()
		return fmt.Errorf("%w: say create, list or revoke", errUsage)
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	db, err := d.open(ctx, env)
	if err != nil {
		return err
	}
	defer db.Close()
	a := authService(db, false)
	ctx = cliActor(ctx)
	switch sub {
	case "create":
		exp, err := auth.ParseExpiry(expires)
		if err != nil {
			return fmt.Errorf("%w: %v", errUsage, err)
		}
		secret, t, err := a.CreateToken(ctx, auth.NewToken{Name: name, Role: access.Role(role), OrgID: org, Expires: exp})
		if err != nil {
			return explain(err)
		}
		fmt.Fprintf(env.Stderr, "created token %d (%s, role %s); it is shown once:\n", t.ID, t.Name, t.Role)
		fmt.Fprintln(env.Stdout, secret)
	case "list":
		toks, err := a.Tokens(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(env.Stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "id\tname\tprefix\trole\torg\texpires\tstate")
		for _, t := range toks {
			state, exp := "active", "never"
			if !t.ExpiresAt.IsZero() {
				exp = t.ExpiresAt.Format("2006-01-02 15:04Z")
			}
			if !t.RevokedAt.IsZero() {
				state = "revoked"
			} else if !t.Active(store.Now()) {
				state = "expired"
			}
			fmt.Fprintf(tw, "%d\t%s\t%s…\t%s\t%d\t%s\t%s\n", t.ID, t.Name, t.Prefix, t.Role, t.OrgID, exp, state)
		}
		return tw.Flush()
	case "revoke":
		if fs.NArg() != 1 {
			return fmt.Errorf("%w: name the token id, e.g. xinzhi token revoke 3", errUsage)
		}
		id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
		if err != nil {
			return fmt.Errorf("%w: token id %q is not a number", errUsage, fs.Arg(0))
		}
		if err := a.RevokeToken(ctx, id); err != nil {
			return explain(err)
		}
		fmt.Fprintf(env.Stdout, "token %d revoked\n", id)
	}
	return nil
}

func backup(ctx context.Context, env Env, args []string) error {
	var d dbFlags
	fs := newFlagSet(env, "backup", "backup [--data DIR | --db URL] [--files-only] [--include-key] FILE.tar")
	describe(fs, env, "backup [--data DIR | --db URL] [--files-only] [--include-key] FILE.tar", backupAbout)
	d.register(fs, env)
	filesOnly := fs.Bool("files-only", false, "attachments only, no database (when the database is backed up by other means, e.g. pg_basebackup)")
	withKey := fs.Bool("include-key", false, "put the personal-data keyring into the archive (by default it is left out: keep it apart)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return fmt.Errorf("%w: name the backup file, e.g. xinzhi backup xinzhi-2025-06-30.tar", errUsage)
	}
	if *withKey && env.Getenv(seal.EnvKey) != "" {
		return fmt.Errorf("%w: the keyring is given in %s, not in a file; keep that value apart instead of --include-key", errUsage, seal.EnvKey)
	}
	db, err := store.Open(ctx, d.url())
	if err != nil {
		return err
	}
	defer db.Close()
	m, err := xbackup.Write(ctx, db, fs.Arg(0), xbackup.Options{DataDir: d.data, FilesOnly: *filesOnly, IncludeKey: *withKey, KeyFile: env.Getenv(seal.EnvKeyFile)})
	if err != nil {
		return explain(err)
	}
	n := 0
	for _, f := range m.Files {
		if strings.HasPrefix(f.Path, xbackup.FilesDir+"/") {
			n++
		}
	}
	what := "the SQLite database (online copy) and"
	switch {
	case !m.Database:
		what = "no database (--files-only) and"
	case m.Engine == string(store.Postgres):
		what = "the PostgreSQL database (pg_dump, custom format) and"
	}
	fmt.Fprintf(env.Stdout, "backed up to %s: %s %d attachments", fs.Arg(0), what, n)
	if m.Key {
		fmt.Fprintln(env.Stdout, ", with the personal-data keyring: keep this archive as safe as the key itself")
	} else {
		fmt.Fprintln(env.Stdout, "; the personal-data keyring is NOT in it: keep a copy of it apart (docs/keys.md)")
	}
	switch {
	case !m.Database:
		fmt.Fprintf(env.Stdout, "restore with: xinzhi restore --data NEWDIR %s, and the database by the means it was backed up with\n", fs.Arg(0))
	case m.Engine == string(store.Postgres):
		fmt.Fprintf(env.Stdout, "restore with: createdb NEWDB, then xinzhi restore --data NEWDIR --db postgres://…/NEWDB %s (pg_restore)\n", fs.Arg(0))
	default:
		fmt.Fprintf(env.Stdout, "restore with: xinzhi restore --data NEWDIR %s\n", fs.Arg(0))
	}
	for _, sum := range m.Missing {
		fmt.Fprintf(env.Stderr, "warning: attachment %s is named by the database but was already missing from %s\n", sum, filepath.Join(d.data, xbackup.FilesDir))
	}
	return nil
}

func restore(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet(env, "restore", "restore [--data DIR] [--db postgres://…] [--force] FILE.tar")
	describe(fs, env, "restore [--data DIR] [--db postgres://…] [--force] FILE.tar", restoreAbout)
	data := fs.String("data", envOr(env, "XINZHI_DATA", "./xinzhi-data"), "data directory to restore into (XINZHI_DATA)")
	dbURL := fs.String("db", "", "for a backup made on PostgreSQL: the empty database to restore it into with pg_restore (postgres://…)")
	force := fs.Bool("force", false, "restore into a data directory that is not empty: replace its database, add the attachments")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return fmt.Errorf("%w: name the backup file, e.g. xinzhi restore xinzhi-2025-06-30.tar", errUsage)
	}
	m, err := xbackup.Restore(ctx, fs.Arg(0), *data, xbackup.RestoreOptions{Force: *force, DB: *dbURL})
	if err != nil {
		return explain(err)
	}
	fmt.Fprintf(env.Stdout, "restored %d files into %s (backup of %s)\n", len(m.Files), *data, m.CreatedAt.Format("2006-01-02 15:04:05Z"))
	switch {
	case !m.Database:
		fmt.Fprintln(env.Stdout, "the archive holds no database: restore the database by the means it was backed up with")
	case m.Engine == string(store.Postgres):
		fmt.Fprintln(env.Stdout, "the PostgreSQL database was loaded with pg_restore")
	default:
		fmt.Fprintf(env.Stdout, "the SQLite database is %s\n", filepath.Join(*data, xbackup.DBName))
	}
	if !m.Key {
		fmt.Fprintln(env.Stdout, "the archive holds no keyring: put the personal-data keyring back (keys.txt in the data directory, or XINZHI_KEY / XINZHI_KEY_FILE) before serving")
	}
	return nil
}

func auditCmd(ctx context.Context, env Env, args []string) error {
	var d dbFlags
	fs := newFlagSet(env, "audit verify", "audit verify [--data DIR | --db URL]")
	d.register(fs, env)
	if len(args) == 0 || args[0] != "verify" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fs.Usage()
			return nil
		}
		fs.Usage()
		return fmt.Errorf("%w: say verify", errUsage)
	}
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	db, err := store.Open(ctx, d.url())
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := audit.Verify(ctx, db)
	if err != nil {
		return err
	}
	if rep.OK() {
		fmt.Fprintf(env.Stdout, "audit log intact: %d events checked\n", rep.Checked)
		return nil
	}
	for _, p := range rep.Problems {
		fmt.Fprintf(env.Stdout, "event %d: %s\n", p.ID, p.Reason)
	}
	return fmt.Errorf("audit log broken: %d problems in %d events", len(rep.Problems), rep.Checked)
}
