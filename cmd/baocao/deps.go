package main

// Pins the fixed dependencies while the packages that use them are written;
// removed once each is imported for real.
import (
	_ "codeberg.org/go-pdf/fpdf"
	_ "github.com/expr-lang/expr"
	_ "github.com/go-co-op/gocron/v2"
	_ "github.com/spf13/cobra"
	_ "github.com/spf13/viper"
	_ "github.com/xuri/excelize/v2"
	_ "go.yaml.in/yaml/v3"
)

func main() {}
