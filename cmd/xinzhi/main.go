// Command xinzhi runs Xinzhi (新质), a city science and technology bureau's
// innovation platform. See the README, or run `xinzhi --help`.
package main

import (
	"os"

	"github.com/xinzhi-platform/xinzhi/internal/cli"
)

func main() { os.Exit(cli.Run()) }
