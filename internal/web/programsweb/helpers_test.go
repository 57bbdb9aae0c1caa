package programsweb_test

import "context"

var ctx = context.Background()

var pdf = []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
