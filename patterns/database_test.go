package patterns_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leakward/leakward/detect"
	"github.com/leakward/leakward/patterns"
)

// gnDetector is a detector over the whole default catalog, built once for
// the span tests of the database and generic groups.
var gnDetector = sync.OnceValues(func() (*detect.Detector, error) {
	return detect.New(patterns.Default())
})

// gnSpanCase is an input and the one secret (a substring of it) a pattern
// must report in it.
type gnSpanCase struct {
	id     string
	text   string
	secret string
}

// gnCheckSpans scans each case and checks that a finding of the case's
// pattern covers exactly the secret. Failures name the secret by preview.
func gnCheckSpans(t *testing.T, cases []gnSpanCase) {
	t.Helper()
	d, err := gnDetector()
	require.NoError(t, err)
	for _, c := range cases {
		want := strings.Index(c.text, c.secret)
		require.GreaterOrEqual(t, want, 0, "case %s: secret not in text", c.id)
		var got []string
		found := false
		for _, f := range d.Scan([]byte(c.text)) {
			if f.PatternID != c.id {
				got = append(got, f.PatternID)
				continue
			}
			got = append(got, c.text[f.Start:f.End])
			if f.Start == want && f.End == want+len(c.secret) {
				found = true
			}
		}
		if !found {
			previews := make([]string, len(got))
			for i, g := range got {
				previews[i] = detect.Preview([]byte(g))
			}
			assert.Fail(t, "secret span", "%s in %s: got %v, want span %s", c.id,
				detect.Preview([]byte(c.text)), previews, detect.Preview([]byte(c.secret)))
		}
	}
}

func TestDatabaseSpans(t *testing.T) {
	gnCheckSpans(t, []gnSpanCase{
		{"postgres-uri", `DATABASE_URL=postgres://orders_app:Tq7wLz2VbK9x@db-prod-1.internal:5432/orders`, "Tq7wLz2VbK9x"},
		{"postgres-uri", `postgresql://svc:Rk%40p9%2Fz31Lm@10.0.3.17/reports`, "Rk%40p9%2Fz31Lm"},
		{"postgres-uri", `"postgres://svc:p@ss:w0rd-91@db.internal/app"`, "p@ss:w0rd-91"},
		{"postgres-uri", `POSTGRES://ADMIN:Zq8wLx2VbK@DB.INTERNAL/APP`, "Zq8wLx2VbK"},
		{"mysql-uri", `mysql+aiomysql://app:Vx3kq9LmPz2w@mysql:3306/shop?charset=utf8mb4`, "Vx3kq9LmPz2w"},
		{"mysql-uri", `mariadb://app:Bz7kq9LmPw2x@maria:3306/shop`, "Bz7kq9LmPw2x"},
		{"mongodb-uri", `mongodb://root:Lp93xQv7Rt2k@mongo-0:27017,mongo-1:27017/admin?replicaSet=rs0`, "Lp93xQv7Rt2k"},
		{"mongodb-uri", `mongodb+srv://api:gH4tPq8ZxW2n@cluster0.ab1cd.mongodb.net/app`, "gH4tPq8ZxW2n"},
		{"redis-uri", `redis://:Zk81vPqW3mRt@cache:6379/0`, "Zk81vPqW3mRt"},
		{"redis-uri", `sessions.redis.cache.windows.net:6380,ssl=True,password=hMEbfX5sS628uJmnjjpsIj6LAmkdIsZr2cxc7aZgW38=,abortConnect=False`, "hMEbfX5sS628uJmnjjpsIj6LAmkdIsZr2cxc7aZgW38="},
		{"amqp-uri", `amqps://billing:T4nR8wXq2pLz@mq.internal:5671/%2F`, "T4nR8wXq2pLz"},
		{"jdbc-url-password", `jdbc:postgresql://db:5432/orders?user=app&password=Xk8vQ2mLp9Rt&ssl=true`, "Xk8vQ2mLp9Rt"},
		{"jdbc-url-password", `jdbc:sqlserver://sql01:1433;databaseName=hr;user=hr_svc;password=Tq7#wLz2Vb;encrypt=true`, "Tq7#wLz2Vb"},
		{"jdbc-url-password", `jdbc:oracle:thin:scott/Tg5kP2wqZ@//ora:1521/ORCLPDB1`, "Tg5kP2wqZ"},
		{"sqlserver-connection-string", `Server=tcp:x.database.windows.net,1433;Initial Catalog=o;User ID=a;Password=Vb8#kQ2zLp7w;Encrypt=True;`, "Vb8#kQ2zLp7w"},
		{"sqlserver-connection-string", `Data Source=SQL01;Database=Payroll;Uid=p;PWD="Mx4;tR9 vZ2q";`, "Mx4;tR9 vZ2q"},
		{"sqlserver-connection-string", `Data Source=SQL01;Database=Payroll;Uid=p;Pwd={Mx4;tR9vZ2q};`, "Mx4;tR9vZ2q"},
		{"sqlserver-connection-string", `User ID=sa;Password=Wz3kLq8vPx;Server=10.2.0.14,1433;Database=inventory`, "Wz3kLq8vPx"},
		// A last password ends at white space or a quote, not at the end
		// of the line; one followed by ';' keeps its inner spaces.
		{"sqlserver-connection-string", `connecting with Server=sql01;User Id=app;Password=Jq7vX2mLp9 timeout=30 retries=3`, "Jq7vX2mLp9"},
		{"sqlserver-connection-string", `conn="Server=sql01;User Id=app;Password=Jq7vX2mLp9" pool=4`, "Jq7vX2mLp9"},
		{"sqlserver-connection-string", `Server=sql01;User Id=app;Password=Jq7v X2mL p9;Encrypt=True`, "Jq7v X2mL p9"},
		{"sqlserver-connection-string", `conn = "Server=sql01;User Id=app;Password=Jq7v X2mL p9"`, "Jq7v X2mL p9"},
		{"sqlserver-connection-string", `msg="open Server=sql01;User Id=app;Password=Jq7vX2mLp9 pool=4"`, "Jq7vX2mLp9"},
		{"sqlserver-connection-string", `ConnectionStrings__Default=Server=sql01;Database=hr;Password=Wz3kLq8vPx`, "Wz3kLq8vPx"},
		{"sqlserver-connection-string", `Network Address = 10.0.0.5 ; Initial Catalog=x; Pwd = 'Tz4kLq8vPx' ;`, "Tz4kLq8vPx"},
		{"planetscale-credential", `pscale_oauth_V3CQQinKLFMs8lT2QTYnNOc7polD841Dt7btH67u5Gr.`, "pscale_oauth_V3CQQinKLFMs8lT2QTYnNOc7polD841Dt7btH67u5Gr"},
		{"neon-api-key", `key napi_Lilz31r5pp476wVtkvDo2opuNntqm5tyk1Xg1IwmmkXhhKqgYjET7xk31uCqFBjN end`, "napi_Lilz31r5pp476wVtkvDo2opuNntqm5tyk1Xg1IwmmkXhhKqgYjET7xk31uCqFBjN"},
	})
}

// TestDatabaseNoPassword checks URIs without a password or with a
// placeholder one, in every scheme.
func TestDatabaseNoPassword(t *testing.T) {
	d, err := gnDetector()
	require.NoError(t, err)
	schemes := []string{"postgres", "postgresql", "postgresql+asyncpg", "mysql", "mysql+pymysql", "mariadb",
		"mongodb", "mongodb+srv", "redis", "rediss", "amqp", "amqps", "jdbc:mysql", "https", "ftp"}
	placeholders := []string{"password", "pass", "changeme", "${DB_PASSWORD}", "****", "<password>", "%s", "$DB_PASS", "{{ db_password }}"}
	for _, s := range schemes {
		for _, text := range []string{
			s + "://db.internal:5432/app",
			s + "://app@db.internal:5432/app",
			s + "://db.internal:5432/app?ssl=true&user=app",
		} {
			assert.Empty(t, d.Scan([]byte(text)), "no password: %s", text)
		}
		for _, pw := range placeholders {
			text := s + "://app:" + pw + "@db.internal:5432/app"
			assert.Empty(t, d.Scan([]byte(text)), "placeholder password: %s", text)
		}
	}
}

// TestSQLServerValueEnds checks where a connection string's password ends
// in the syntax around it: the span is the password exactly, Redact
// removes it and keeps the text after it. A password is written as PW in
// each text and built at run time; messages name the case, not the value.
func TestSQLServerValueEnds(t *testing.T) {
	d, err := gnDetector()
	require.NoError(t, err)
	const id = "sqlserver-connection-string"
	base := "Qz7" + "kWm3" + "vTx"
	cases := []struct {
		name, text, pw, keep string
	}{
		{"xml element", "<conn>Server=db1;Uid=u;Pwd=PW</conn>", base, "</conn>"},
		{"json newline escape", `{"msg":"open Server=db1;Uid=u;Pwd=PW\n","n":1}`, base, `\n","n":1}`},
		{"json tab escape", `{"msg":"Server=db1;Pwd=PW\tnext"}`, base, `\tnext"}`},
		{"json quote escape", `{"body":"{\"c\":\"Server=db1;Uid=u;Pwd=PW\"}"}`, base, `\"}"}`},
		// password-assignment also reports the password, and masks as
		// undecided what may continue it after punctuation (detect's
		// valueRunOn): the reference and the text after it.
		{"html quote reference", "<td>&quot;Server=db1;Uid=u;Pwd=PW&quot;</td>", base, ""},
		{"html numeric quote", "<td>&#34;Server=db1;Pwd=PW&#34;</td>", base, ""},
		{"parentheses", "open(Server=db1;Uid=u;Pwd=PW) failed", base, ") failed"},
		{"brackets", "conns=[Server=db1;Pwd=PW]", base, "]"},
		{"backticks", "use `Server=db1;Pwd=PW` here", base, "` here"},
		{"closers at end of text", "(Server=db1;Pwd=PW)]", base, ")]"},
		{"value holds its own brackets", "Server=db1;Pwd=PW end", "Qz7(kWm3)vT)", " end"},
		{"value holds a backtick", "Server=db1;Pwd=PW", "Qz7`kWm3vT`", ""},
		{"closer inside a value", "Server=db1;Pwd=PW end", "Qz7]kWm3>vTx", " end"},
		{"closer before a semicolon", "Server=db1;Pwd=PW;Encrypt=True", "Qz7kWm3vTx)", ""},
		{"less-than not an end tag", "Server=db1;Pwd=PW end", "Qz7<kWm3vTx", " end"},
		{"ampersand not a quote", "Server=db1;Pwd=PW end", "Qz7&amp;kWm3", " end"},
		{"backslash not an escape", `conn = "Server=db1;Pwd=PW"`, `Qz7\kWm3vTx`, `"`},
		{"odbc braces then text", "Server=db1;Uid=u;Pwd={PW} was used", "Qz7kW;m3vT", "} was used"},
		{"odbc escaped brace", "Driver={ODBC Driver 18};Server=db1;Pwd={PW};", "Qz7}}kW;m3", "};"},
		{"odbc braces in xml", "<c>Server=db1;Pwd={PW}</c>", "Qz7kW;m3vT", "}</c>"},
		{"password before host", "Password=PW;Data Source=db1", base, " Source=db1"},
		{"password before host in json", `{"c":"Pwd=PW;Server=db1"}`, base, `;Server=db1"}`},
	}
	for _, c := range cases {
		text := strings.Replace(c.text, "PW", c.pw, 1)
		want := strings.Index(text, c.pw)
		found := false
		for _, f := range d.Scan([]byte(text)) {
			if f.PatternID == id && f.Start == want && f.End == want+len(c.pw) {
				found = true
			}
		}
		assert.True(t, found, "%s: no %s finding with the password's span", c.name, id)
		red := d.RedactString(text)
		assert.False(t, strings.Contains(red, c.pw), "%s: the password survives Redact", c.name)
		assert.True(t, strings.HasSuffix(red, c.keep), "%s: Redact does not keep the text after the password", c.name)
	}
}

// TestSQLServerNearMisses checks texts that look like a connection
// string's password but are not one: no sqlserver-connection-string
// finding.
func TestSQLServerNearMisses(t *testing.T) {
	d, err := gnDetector()
	require.NoError(t, err)
	pw := "Qz7" + "kWm3" + "vTx"
	for _, c := range []struct{ name, text string }{
		{"no host property", "Password=PW;Encrypt=True"},
		{"host word inside a name", "Pwd=PW;MyServer=db1"},
		{"unclosed odbc braces", "Server=db1;Pwd={PW"},
		{"odbc braces then a brace", "Server=db1;Pwd={PW}}"},
		{"empty value before an html quote", "<td>&quot;Server=db1;Pwd=&quot;PW</td>"},
		{"empty value before an end tag", "<c>Server=db1;Pwd=</c>PW"},
		{"placeholder in braces", "Server=db1;Pwd={your_password};"},
		{"odbc braces then a word", "Server=db1;Pwd={PW}x end"},
		{"template braces", "Server=db1;Pwd={{ .Values.PW }} end"},
	} {
		text := strings.Replace(c.text, "PW", pw, 1)
		for _, f := range d.Scan([]byte(text)) {
			assert.NotEqual(t, "sqlserver-connection-string", f.PatternID, "%s: reported as a connection string's password", c.name)
		}
	}
}

// TestSQLServerClosedValueEnd: a quoted or braced password ends at its
// closing character; a log line's next field may follow after white
// space. A closing character followed by other text is not an end.
func TestSQLServerClosedValueEnd(t *testing.T) {
	pw := strings.Join([]string{"Mx4", "tR9", "vZ2q"}, "")
	gnCheckSpans(t, []gnSpanCase{
		{"sqlserver-connection-string", "Data Source=SQL01;Uid=p;Pwd={" + pw + "} timeout=30", pw},
		{"sqlserver-connection-string", "Server=sql01;User Id=app;Password=\"" + pw + "\"\tpool=4", pw},
		{"sqlserver-connection-string", "Server=sql01;User Id=app;Pwd='" + pw + "'\n", pw},
	})
	d, err := gnDetector()
	require.NoError(t, err)
	for _, text := range []string{
		"Data Source=SQL01;Uid=p;Pwd={" + pw + "}x timeout=30",
		"Server=sql01;User Id=app;Pwd={{ .Values.password }} pool=4",
	} {
		for _, f := range d.Scan([]byte(text)) {
			assert.NotEqual(t, "sqlserver-connection-string", f.PatternID, "closed value not ended in %s", detect.Preview([]byte(text)))
		}
	}
}
