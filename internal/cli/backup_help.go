package cli

import (
	"flag"
	"fmt"
)

// backupAbout is what `xinzhi backup --help` says the command does on each
// engine, and where the keyring stands.
const backupAbout = `将数据库与附件一并备份为一个 tar 归档，末尾附校验清单（MANIFEST.json）。
Backs up the database and the attachments together into one tar archive,
with a manifest of checksums (MANIFEST.json) as its last entry.

  SQLite      数据库在线副本（VACUUM INTO，一致快照），服务无需停机。
              an online copy of the database file (VACUUM INTO: one
              consistent snapshot); the server keeps running.
  PostgreSQL  对 --db 所指数据库执行 pg_dump --format=custom（一致快照）；
              需 pg_dump 在 PATH 中，主版本不低于服务器。
              pg_dump --format=custom of the --db database (one consistent
              snapshot); pg_dump must be on PATH, of the server's major
              version or newer. With --files-only the database is left to
              your own tools (pg_basebackup and WAL archiving) and only the
              attachments are taken.
  附件 Files  数据目录 attachments/ 下的全部文件，按内容的 SHA-256 命名；
              SQLite 上，数据库记录了但已缺失的文件会列出警告。
              every file under DATA/attachments, named by its SHA-256; on
              SQLite a file the database names but the directory lacks is
              warned about.
  密钥 Key    个人信息密钥环默认不放入归档（另行保管）；--include-key 才放入。
              the personal-data keyring is left out unless --include-key:
              keep keys.txt (or XINZHI_KEY / XINZHI_KEY_FILE) apart.

恢复 Restore: xinzhi restore --data NEWDIR [--db postgres://EMPTY-DB] FILE.tar`

// restoreAbout is what `xinzhi restore --help` says.
const restoreAbout = `先完整校验归档（清单、大小、校验和），再恢复；校验不过则不作任何改动。
Checks the whole archive first (manifest, sizes, checksums) and only then
restores it; an archive that fails changes nothing.

  SQLite      数据库写入 DATA/xinzhi.db，附件写入 DATA/attachments。
              the database goes to DATA/xinzhi.db, the files to
              DATA/attachments.
  PostgreSQL  用 pg_restore --single-transaction 载入 --db 所指的空数据库
              （先自行 CREATE DATABASE），全部载入或全不载入。
              pg_restore --single-transaction into the empty database named
              by --db (create it first): it loads whole or not at all.

不覆盖：数据目录非空、或目标数据库已有表时拒绝，除非加 --force。
Never overwrites unless told: a data directory that is not empty, or a
PostgreSQL database that has tables, is refused without --force.
归档不含密钥环时，启动服务前请放回密钥环。
When the archive holds no keyring, put the keyring back before serving.`

// describe makes --help print what the command does before its flags.
func describe(fs *flag.FlagSet, env Env, synopsis, about string) {
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "Usage: xinzhi %s\n\n%s\n\nFlags:\n", synopsis, about)
		fs.PrintDefaults()
	}
}
