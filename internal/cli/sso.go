package cli

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/sso"
)

// ssoCmd administers the mapping of the identity platform's groups to
// Xinzhi roles: the only way a single sign-on grants a role.
func ssoCmd(ctx context.Context, env Env, args []string) error {
	sub := ""
	if len(args) > 0 {
		sub, args = args[0], args[1:]
	}
	var d dbFlags
	fs := newFlagSet(env, "sso "+sub, "sso map|unmap --group VALUE --role ROLE | sso list [--issuer URL]")
	d.register(fs, env)
	var group, role string
	issuer := env.Getenv("XINZHI_OIDC_ISSUER")
	fs.StringVar(&issuer, "issuer", issuer, "the provider's issuer URL (XINZHI_OIDC_ISSUER)")
	switch sub {
	case "map", "unmap":
		fs.StringVar(&group, "group", "", "a value of the roles claim (XINZHI_OIDC_ROLES_CLAIM), e.g. a group name (required)")
		fs.StringVar(&role, "role", "", "the Xinzhi role it grants: "+roleList())
	case "list":
	case "-h", "--help", "help":
		fs.Usage()
		return nil
	default:
		fs.Usage()
		return fmt.Errorf("%w: say map, unmap or list", errUsage)
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	db, err := d.open(ctx, env)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = cliActor(ctx)
	switch sub {
	case "map":
		if err := sso.Map(ctx, db, issuer, group, access.Role(role)); err != nil {
			return explain(err)
		}
		fmt.Fprintf(env.Stdout, "mapped (已映射): %s → %s at %s\nHolders get it at their next single sign-on (下次统一身份认证登录时生效).\n", group, role, issuer)
	case "unmap":
		if err := sso.Unmap(ctx, db, issuer, group, access.Role(role)); err != nil {
			return explain(err)
		}
		fmt.Fprintf(env.Stdout, "unmapped (已取消映射): %s → %s\nHolders lose it at their next single sign-on (下次统一身份认证登录时收回).\n", group, role)
	case "list":
		maps, err := sso.Mappings(ctx, db, issuer)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(env.Stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "issuer\tgroup (分组)\trole (角色)\tsince")
		for _, m := range maps {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", m.Issuer, m.Value, m.Role, m.CreatedAt.Format(time.DateOnly))
		}
		return tw.Flush()
	}
	return nil
}
