// Package pgtest starts a throwaway PostgreSQL cluster for tests: initdb in
// a temporary directory, a postgres server that listens only on a Unix
// socket in that directory, with fsync off, stopped when the tests end and
// killed by the kernel if the test process dies first.
//
// A test package starts one cluster in TestMain with Main, and each test
// gets a fresh database from Database:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
//	func TestSomething(t *testing.T) {
//		url := pgtest.Database(t)
//		...
//	}
//
// The binaries come from Debian's postgresql package
// (/usr/lib/postgresql/<version>/bin). When they are missing the tests fail
// with a message saying to install it, unless INSTANTTRANSCRIBER_TEST_POSTGRES
// is "skip", in which case every test that asks for a database is skipped.
// initdb and postgres refuse to run as root, so as root the cluster runs as
// the postgres system user.
package pgtest
