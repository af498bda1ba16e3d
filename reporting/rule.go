package reporting

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"
)

// RuleSet is a form's cross-field rules, compiled once so that an upload
// only runs them.
type RuleSet struct {
	rules []compiledRule
}

type compiledRule struct {
	index   int // 1-based, as people count rules in a definition
	rule    Rule
	fields  []string // field codes the expression reads, in order of appearance
	program *vm.Program
}

// RuleResult is a rule that did not hold for one set of values.
type RuleResult struct {
	Index    int // 1-based position in Form.Rules
	Expr     string
	Message  string // Vietnamese, for the clerk
	Severity Severity
	// Fields are the codes the rule reads, in order of first appearance, so
	// a message can name every field involved.
	Fields []string
	// Err is set when the rule could not be evaluated (a value of the wrong
	// Go type); such a rule counts as failed rather than silently passing.
	Err error
}

// Field is the field a result belongs to: the first one its rule names. A
// failed error marks that field's cell, and a warning is accepted when that
// field's note explains it.
func (r RuleResult) Field() string {
	if len(r.Fields) == 0 {
		return ""
	}
	return r.Fields[0]
}

// CompileRules compiles every rule of f. The error joins one problem per
// broken rule, each "rule N (expr): reason".
func CompileRules(f *Form) (*RuleSet, error) {
	env := ruleEnv(f)
	rs := &RuleSet{}
	var errs []error
	for i, r := range f.Rules {
		c, err := compileRule(f, env, r)
		if err != nil {
			errs = append(errs, ruleError(i, r, err))
			continue
		}
		c.index = i + 1
		rs.rules = append(rs.rules, c)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return rs, nil
}

// Len is the number of rules.
func (rs *RuleSet) Len() int { return len(rs.rules) }

// Eval runs every rule over values (by field code) and returns the ones
// that failed, in definition order. A rule reading a field that is absent
// or nil is skipped: an empty optional field is the field checks' business,
// not the rules'.
//
// Values are Go numbers (float64, int, int64, …) for int, decimal and percent
// fields, strings for choice fields and time.Time for date fields.
func (rs *RuleSet) Eval(values map[string]any) []RuleResult {
	var out []RuleResult
	for _, c := range rs.rules {
		env, ok, err := c.env(values)
		if !ok {
			continue
		}
		var res any
		if err == nil {
			res, err = expr.Run(c.program, env)
		}
		if err == nil && res == true {
			continue
		}
		out = append(out, RuleResult{
			Index:    c.index,
			Expr:     c.rule.Expr,
			Message:  c.rule.Message,
			Severity: c.rule.severity(),
			Fields:   c.fields,
			Err:      err,
		})
	}
	return out
}

// env picks the rule's values, converted to the types the rule was
// compiled against. ok is false when a value is missing.
func (c compiledRule) env(values map[string]any) (map[string]any, bool, error) {
	env := make(map[string]any, len(c.fields))
	var errs []error
	for _, code := range c.fields {
		v, present := values[code]
		if !present || v == nil {
			return nil, false, nil
		}
		cv, err := ruleValue(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("field %s: %w", code, err))
		}
		env[code] = cv
	}
	return env, true, errors.Join(errs...)
}

// ruleValue brings every number to float64, the type rules are compiled
// against, so that an int field can be compared with a decimal one.
func ruleValue(v any) (any, error) {
	switch x := v.(type) {
	case float64, string, time.Time:
		return x, nil
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(rv.Int()), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return float64(rv.Uint()), nil
	case reflect.Float32:
		return rv.Float(), nil
	}
	return nil, fmt.Errorf("value of type %T cannot be used in a rule", v)
}

// ruleEnv gives each field a rule may read a zero value of its Go type, so
// the compiler type-checks expressions (a choice compared with a number is
// an error) and rejects unknown names. Text fields are left out: free text
// is not something to compute with.
func ruleEnv(f *Form) map[string]any {
	env := map[string]any{}
	for _, fl := range f.Fields() {
		if _, dup := env[fl.Code]; dup {
			continue
		}
		switch fl.Type {
		case TypeInt, TypeDecimal, TypePercent:
			env[fl.Code] = float64(0)
		case TypeChoice:
			env[fl.Code] = ""
		case TypeDate:
			env[fl.Code] = time.Time{}
		}
	}
	return env
}

// ruleOptions: strict typed env, a boolean result, date("…") literals in
// UTC like every civil date in the domain (see Day), and no now(), because a
// rule must give the same answer for the same values whenever it runs.
func ruleOptions(env map[string]any) []expr.Option {
	return []expr.Option{expr.Env(env), expr.AsBool(), expr.Timezone("UTC"), expr.DisableBuiltin("now")}
}

func compileRule(f *Form, env map[string]any, r Rule) (compiledRule, error) {
	if r.Expr == "" {
		return compiledRule{}, errors.New("expression is empty")
	}
	program, err := expr.Compile(r.Expr, ruleOptions(env)...)
	if err != nil {
		return compiledRule{}, explainCompileError(f, env, r.Expr, err)
	}
	node := program.Node()
	return compiledRule{rule: r, program: program, fields: ruleFields(&node, env)}, nil
}

// explainCompileError turns expr's error into one line a form author can
// act on: a syntax error with its position, the fields that do not exist or
// cannot be used, or else the type checker's complaint.
func explainCompileError(f *Form, env map[string]any, src string, err error) error {
	tree, perr := parser.Parse(src)
	if perr != nil {
		return fmt.Errorf("syntax error: %s", exprMessage(perr))
	}
	var reasons []string
	v := walkExpr(&tree.Node)
	if v.usesNow {
		reasons = append(reasons, "now() is not allowed: a rule must give the same answer whenever it runs")
	}
	for _, c := range v.callees {
		reasons = append(reasons, "unknown function "+c.Value)
	}
	seen := map[string]bool{}
	for _, name := range v.free() {
		if _, ok := env[name]; ok || seen[name] {
			continue
		}
		seen[name] = true
		if fl, ok := f.Field(name); ok {
			reasons = append(reasons, fmt.Sprintf("field %s has type %q; rules can read only int, decimal, percent, choice and date fields", name, fl.Type))
		} else {
			reasons = append(reasons, "unknown field "+name)
		}
	}
	if len(reasons) > 0 {
		// One line per rule, so a file's problems read one per line.
		return errors.New(strings.Join(reasons, "; "))
	}
	return fmt.Errorf("invalid expression: %s", exprMessage(err))
}

// exprMessage drops the source snippet expr appends under its messages.
func exprMessage(err error) string {
	var fe *file.Error
	if errors.As(err, &fe) {
		if fe.Line > 0 {
			return fmt.Sprintf("%s (line %d, column %d)", fe.Message, fe.Line, fe.Column+1)
		}
		return fe.Message
	}
	return err.Error()
}

// ruleFields lists the field codes a compiled expression reads, left to
// right, each once.
func ruleFields(node *ast.Node, env map[string]any) []string {
	var out []string
	seen := map[string]bool{}
	for _, name := range exprIdentifiers(node) {
		if _, ok := env[name]; ok && !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	return out
}

// exprIdentifiers lists the free variable names in an expression, left to
// right: not function names, not names bound by let.
func exprIdentifiers(node *ast.Node) []string { return walkExpr(node).free() }

// exprVisitor gathers what explaining an expression needs. ast.Walk visits
// children first, so a name is only known to be a callee or let-bound once
// the walk is over: free sorts that out afterwards.
type exprVisitor struct {
	idents  []*ast.IdentifierNode
	callees []*ast.IdentifierNode
	bound   map[string]bool
	usesNow bool
}

func walkExpr(node *ast.Node) *exprVisitor {
	v := &exprVisitor{bound: map[string]bool{}}
	ast.Walk(node, v)
	return v
}

func (v *exprVisitor) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.IdentifierNode:
		v.idents = append(v.idents, n)
	case *ast.CallNode:
		if id, ok := n.Callee.(*ast.IdentifierNode); ok {
			v.callees = append(v.callees, id)
		}
	case *ast.BuiltinNode:
		v.usesNow = v.usesNow || n.Name == "now"
	case *ast.VariableDeclaratorNode:
		v.bound[n.Name] = true
	}
}

func (v *exprVisitor) free() []string {
	var out []string
	for _, id := range v.idents {
		if !slices.Contains(v.callees, id) && !v.bound[id.Value] {
			out = append(out, id.Value)
		}
	}
	return out
}

func (r Rule) severity() Severity {
	if r.Severity == "" {
		return SeverityError
	}
	return r.Severity
}

func ruleError(i int, r Rule, err error) error {
	return fmt.Errorf("rule %d (%s): %w", i+1, r.Expr, err)
}
