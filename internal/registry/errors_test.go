package registry_test

import (
	"errors"

	"github.com/xinzhi-platform/xinzhi/internal/tabular"
)

func errorsAs(err error, target any) bool { return errors.As(err, target) }

type tabularTable = tabular.Table
