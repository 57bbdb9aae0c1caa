package cli

import (
	"errors"

	"github.com/xinzhi-platform/xinzhi/internal/problem"
)

func asProblem(err error, target **problem.Error) bool { return errors.As(err, target) }
