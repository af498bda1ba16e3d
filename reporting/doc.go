// Package reporting is baocao's domain: units, forms, schedules, periods,
// deadlines, obligation status, validation problems and typed errors. It does
// no I/O; time always comes in as an argument.
package reporting
