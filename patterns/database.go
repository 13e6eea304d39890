package patterns

// Connection strings: the secret is the password component only (its
// percent-encoded form as written). A URI without a password, or with a
// placeholder password, is not a finding (checkURIPassword). Every regex
// but redis-uri's starts with one of its pattern's keywords, so that the
// engine tries it once at each keyword hit (see generic.go).

// uriUserinfo matches "user:password@" after a scheme's "://", with the
// password as the secret group. The password runs to the last '@' before
// the host, so an unencoded '@' in it stays inside the span.
const uriUserinfo = `://[^:/?#@\s"'<>\\]{0,128}:(?<secret>[^/?#\s"'<>\\]{1,256})@(?=[A-Za-z0-9\[._%-])`

// uriRegex returns the regex of a connection URI whose scheme matches the
// alternation schemes (case-insensitive).
func uriRegex(schemes string) string {
	return `(?i)(?<![A-Za-z0-9+.-])(?:` + schemes + `)` + uriUserinfo
}

// sqlServerValue is a connection-string property value: double-quoted,
// single-quoted, in ODBC braces ('}}' stands for '}' inside them), or
// bare. A quoted value is followed by a ';', white space (a log line's
// next field), a quote or the end; a braced one by anything but a word
// character (the syntax around the connection string may resume: "</",
// ")"). A bare value is its first word, taken whole, and the words after
// it (inner spaces) only if a ';' or a quote (the end of the quoted
// connection string, and then no '=' in them) ends them. A ';' that
// closes an HTML-escaped quote (&quot;) ends no value. A value ended by a
// quote holds no JSON string escape (\", \n, \r, \t). A last value, with
// no ';' or quote after it, ends at white space, not at the end of the
// line, or where the syntax around the connection string resumes
// (sqlServerLastEnd); one that holds an opening bracket or a backtick of
// its own is taken whole, unless it starts with an end tag (an empty
// value in XML).
const sqlServerValue = `(?:(?:"(?<secret>[^"\r\n]{1,128})"|'(?<secret>[^'\r\n]{1,128})')(?=[\s;"']|$)` +
	`|\{(?<secret>(?:[^}\r\n]|\}\}){1,128})\}(?![}A-Za-z0-9_])` +
	`|(?<secret>[^;\s"'{](?>[^;\s"']{0,127})(?>(?:[ \t]+[^;\s"']{1,127}){1,16})?)(?<!` + htmlQuoteRef + `)(?=[ \t]*;)` +
	`|(?<secret>(?!\{)` + sqlServerQuotedChar + `(?>` + sqlServerQuotedChar + `{0,127})(?>(?:[ \t]+(?:[^;\s"'=\\]|\\(?![nrt"])){1,127}){0,16}))(?=["'])` +
	`|(?<secret>[^;\s"'{(\[<\x60][^;\s"'(\[<\x60]{0,127}?)(?=` + sqlServerLastEnd + `)` +
	`|(?<secret>(?!</)(?=[^;\s"']{0,127}[(\[{<\x60])[^;\s"'{](?>[^;\s"']{0,127}))(?=\s|$))`

// sqlServerQuotedChar is a character of a value ended by a quote: no JSON
// string escape.
const sqlServerQuotedChar = `(?:[^;\s"'\\]|\\(?![nrt"]))`

// htmlQuoteRef is an HTML character reference to a quote.
const htmlQuoteRef = `&(?:quot|apos|#34|#39|#x2[27])`

// sqlServerLastEnd is where a last bare value ends: white space or the
// end of the text, after any closing brackets or backticks (a value that
// holds no opening one did not open them); the end tag of an XML element
// ("</"); a JSON string escape; an HTML-escaped quote.
const sqlServerLastEnd = `[)\]}>\x60]*(?:\s|$)|</|\\[nrt"]|` + htmlQuoteRef + `;`

// sqlServerHost is the property that makes a ';'-separated list a SQL
// Server (ADO.NET, ODBC) connection string ("Network Address" ends in
// "Address"). At most one space before '=' (the keywords' forms).
const sqlServerHost = `(?:server|data source|address|addr) ?=`

// databasePatterns returns the built-in patterns of this catalog group.
func databasePatterns() []Pattern {
	return []Pattern{
		{
			ID:               "postgres-uri",
			Provider:         "PostgreSQL",
			Description:      "PostgreSQL connection URI with a password",
			Grants:           PrivDataStore,
			Severity:         SeverityCritical,
			Confidence:       ConfidenceDistinctive,
			Keywords:         []string{"postgres://", "postgresql://", "postgres+", "postgresql+"},
			KeywordsFoldCase: true,
			Regex:            uriRegex(`postgres(?:ql)?(?:\+[a-z0-9]{1,20})?`),
			MaxLen:           400,
			Validate:         checkURIPassword,
			Examples: []string{
				`DATABASE_URL=postgres://orders_app:Tq7wLz2VbK9x@db-prod-1.internal:5432/orders?sslmode=require`,
				`2025-01-14T10:22:31Z INFO migrate: connecting to postgresql://svc_report:Rk%40p9%2Fz31Lm@10.0.3.17/reports`,
				`SQLALCHEMY_DATABASE_URI = "postgresql+psycopg2://etl:N8vQ2mLp9Rtw@warehouse.internal:5432/dw"`,
			},
			NonExamples: []string{
				`DATABASE_URL=postgres://orders_app:${DB_PASSWORD}@db-prod-1.internal:5432/orders`,
				`postgres://user:password@localhost:5432/mydb`,
				`connecting to postgres://db-prod-1.internal:5432/orders as orders_app`,
				`DATABASE_URL=postgresql://orders_app@db-prod-1.internal/orders`,
				`url: postgres://app:****@db.internal:5432/app`,
				`postgres://app:<password>@db.internal/app`,
			},
		},
		{
			ID:               "mysql-uri",
			Provider:         "MySQL / MariaDB",
			Description:      "MySQL or MariaDB connection URI with a password",
			Grants:           PrivDataStore,
			Severity:         SeverityCritical,
			Confidence:       ConfidenceDistinctive,
			Keywords:         []string{"mysql://", "mysql+", "mariadb://", "mariadb+"},
			KeywordsFoldCase: true,
			Regex:            uriRegex(`mysql(?:\+[a-z0-9]{1,20})?|mariadb(?:\+[a-z0-9]{1,20})?`),
			MaxLen:           400,
			Validate:         checkURIPassword,
			Examples: []string{
				`DB_DSN=mysql://shop:Vx3kq9LmPz2w@mysql-primary.shop.svc:3306/shop`,
				`engine = create_engine("mysql+pymysql://analytics:bD7%23qR2zWp@10.1.4.9:3306/events")`,
			},
			NonExamples: []string{
				`DB_DSN=mysql://shop:changeme@localhost:3306/shop`,
				`mysql://%s:%s@%s:%d/%s`,
				`DB_DSN=mysql://mysql-primary.shop.svc:3306/shop`,
			},
		},
		{
			ID:               "mongodb-uri",
			Provider:         "MongoDB",
			Description:      "MongoDB connection URI with a password",
			Grants:           PrivDataStore,
			Severity:         SeverityCritical,
			Confidence:       ConfidenceDistinctive,
			Keywords:         []string{"mongodb://", "mongodb+srv://"},
			KeywordsFoldCase: true,
			Regex:            uriRegex(`mongodb(?:\+srv)?`),
			MaxLen:           400,
			Validate:         checkURIPassword,
			Examples: []string{
				`MONGO_URL="mongodb+srv://api-user:gH4tPq8ZxW2n@cluster0.ab1cd.mongodb.net/app?retryWrites=true&w=majority"`,
				`mongo connect mongodb://root:Lp93xQv7Rt2k@mongo-0.mongo:27017,mongo-1.mongo:27017/admin?replicaSet=rs0`,
			},
			NonExamples: []string{
				`MONGO_URL=mongodb+srv://api-user:<password>@cluster0.ab1cd.mongodb.net/app`,
				`mongodb://mongo-0.mongo:27017,mongo-1.mongo:27017/admin?replicaSet=rs0`,
				`MONGO_URL=mongodb://admin:pass@localhost:27017`,
			},
		},
		{
			ID:               "redis-uri",
			Provider:         "Redis",
			Description:      "Redis connection URI or Azure Cache for Redis connection string with a password",
			Grants:           PrivDataStore,
			Severity:         SeverityHigh,
			Confidence:       ConfidenceDistinctive,
			Keywords:         []string{"redis://", "rediss://", ".redis.cache.windows.net"},
			KeywordsFoldCase: true,
			Regex: `(?i)(?:(?<![A-Za-z0-9+.-])rediss?` + uriUserinfo +
				`|(?<![A-Za-z0-9-])[a-z0-9-]{1,63}\.redis\.cache\.windows\.net(?::[0-9]{2,5})?(?:,[ \t]*[a-z]{2,30}=[^,\s"']{0,64}){0,6}?,[ \t]*password[ \t]*=[ \t]*(?<secret>[A-Za-z0-9+/]{20,86}={0,2})(?![A-Za-z0-9+/=]))`,
			MaxLen:   400,
			Validate: checkURIPassword,
			Examples: []string{
				`REDIS_URL=redis://:Zk81vPqW3mRt@cache.internal:6379/0`,
				`CACHE=rediss://default:Wq92LmZpX7vB@redis-1.cache.svc:6380`,
				`"Redis": "sessions-prod.redis.cache.windows.net:6380,password=hMEbfX5sS628uJmnjjpsIj6LAmkdIsZr2cxc7aZgW38=,ssl=True,abortConnect=False"`,
			},
			NonExamples: []string{
				`REDIS_URL=redis://cache.internal:6379/0`,
				`REDIS_URL=redis://:${REDIS_PASSWORD}@cache.internal:6379/0`,
				`sessions-prod.redis.cache.windows.net:6380,ssl=True,abortConnect=False`,
			},
		},
		{
			ID:               "amqp-uri",
			Provider:         "RabbitMQ / AMQP",
			Description:      "AMQP broker URI with a password",
			Grants:           PrivDataStore,
			Severity:         SeverityHigh,
			Confidence:       ConfidenceDistinctive,
			Keywords:         []string{"amqp://", "amqps://"},
			KeywordsFoldCase: true,
			Regex:            uriRegex(`amqps?`),
			MaxLen:           400,
			Validate:         checkURIPassword,
			Examples: []string{
				`CELERY_BROKER_URL=amqp://worker:Jx7pQ2vLm9Zk@rabbitmq.queue.svc:5672/jobs`,
				`[2025-01-14 10:01:02] kombu: Connected to amqps://billing:T4nR8wXq2pLz@b-1a2b.mq.eu-west-1.amazonaws.com:5671//`,
			},
			NonExamples: []string{
				`CELERY_BROKER_URL=amqp://worker:****@rabbitmq:5672/jobs`,
				`amqp://rabbitmq.queue.svc:5672/jobs`,
			},
		},
		{
			ID:               "jdbc-url-password",
			Provider:         "JDBC",
			Description:      "JDBC URL carrying a password",
			Grants:           PrivDataStore,
			Severity:         SeverityCritical,
			Confidence:       ConfidenceDistinctive,
			Keywords:         []string{"jdbc:"},
			KeywordsFoldCase: true,
			Regex: `(?i)(?<![A-Za-z0-9])jdbc:(?:` +
				`[a-z0-9]{2,20}:[^\s"'<>]{0,240}?[?&;:](?:password|pwd)=(?<secret>[^&;\s"'<>]{1,128})` +
				`|oracle:(?:thin|oci8?):[A-Za-z0-9_$#.]{1,64}/(?<secret>[^@\s"'<>/]{1,128})@` +
				`|[a-z0-9]{2,20}` + uriUserinfo + `)`,
			MaxLen:   400,
			Validate: checkURIPassword,
			Examples: []string{
				`spring.datasource.url=jdbc:postgresql://db.internal:5432/orders?user=orders_app&password=Xk8vQ2mLp9Rt&ssl=true`,
				`url="jdbc:sqlserver://sql01.corp.local:1433;databaseName=hr;user=hr_svc;password=Tq7#wLz2Vb;encrypt=true"`,
				`jdbc:oracle:thin:scott/Tg5kP2wqZ@//ora.prod.local:1521/ORCLPDB1`,
			},
			NonExamples: []string{
				`spring.datasource.url=jdbc:postgresql://localhost:5432/app?user=app&password=${DB_PASSWORD}`,
				`jdbc:mysql://db:3306/app?useSSL=false&serverTimezone=UTC`,
				`jdbc:sqlserver://sql01.corp.local:1433;databaseName=hr;integratedSecurity=true`,
				`jdbc:oracle:thin:@ora.prod.local:1521:ORCL`,
			},
		},
		{
			ID:          "sqlserver-connection-string",
			Provider:    "Microsoft SQL Server",
			Description: "SQL Server / ADO.NET connection string with a password",
			Grants:      PrivDataStore,
			Severity:    SeverityCritical,
			Confidence:  ConfidenceDistinctive,
			// The host property's keywords start matches with the password
			// after the host; the password's start those with the host after.
			Keywords: []string{"password=", "pwd=", "password =", "pwd =", "server=", "server =",
				"data source=", "data source =", "address=", "address =", "addr=", "addr ="},
			KeywordsFoldCase: true,
			Regex: `(?i)(?:(?<![A-Za-z0-9])` + sqlServerHost + `(?>[^;\r\n"']{1,200});(?:(?>[^;\r\n"']{0,120});){0,8}?[ \t]*(?:password|pwd)[ \t]*=[ \t]*` + sqlServerValue +
				`|(?<![A-Za-z0-9])(?:password|pwd) ?=[ \t]*` + sqlServerValue + `[ \t]*;(?:(?>[^;\r\n"']{0,120});){0,8}?[ \t]*(?<![A-Za-z0-9])(?:server|data source|address|addr)[ \t]*=)`,
			MaxLen:   512,
			Validate: checkURIPassword,
			Examples: []string{
				`"DefaultConnection": "Server=tcp:orders-sql.database.windows.net,1433;Initial Catalog=orders;User ID=orders_admin;Password=Vb8#kQ2zLp7w;Encrypt=True;"`,
				`Data Source=SQL01\PROD;Database=Payroll;User Id=payroll_svc;Pwd={Mx4;tR9vZ2q};`,
				`conn = "User ID=sa;Password=Wz3kLq8vPx;Server=10.2.0.14,1433;Database=inventory"`,
			},
			NonExamples: []string{
				`Server=tcp:orders-sql.database.windows.net,1433;Initial Catalog=orders;Integrated Security=True;`,
				`Server=localhost;Database=orders;User ID=sa;Password=<password>;`,
				`Server=localhost;Database=orders;User ID=sa;Password=${SA_PASSWORD};`,
				`password=Vb8kQ2zLp7w`,
			},
		},
		{
			ID:          "planetscale-credential",
			Provider:    "PlanetScale",
			Description: "PlanetScale database password, service token or OAuth token",
			Grants:      PrivDataStore,
			Severity:    SeverityCritical,
			Confidence:  ConfidenceDistinctive,
			Keywords:    []string{"pscale_pw_", "pscale_tkn_", "pscale_oauth_"},
			Regex:       `(?<![A-Za-z0-9_])pscale_(?:pw|tkn|oauth)_[A-Za-z0-9_=.-]{31,63}[A-Za-z0-9_=](?![A-Za-z0-9_=-]|\.[A-Za-z0-9_=-])`,
			MaxLen:      96,
			MinEntropy:  3.5,
			Examples: []string{
				`DATABASE_PASSWORD=pscale_pw_5PQfYd5eVrgUYche1B9V-6bPRH283qGhFTFvd40YLkV`,
				`pscale auth login --service-token pscale_tkn_CYtQ38TPek-MBz2i3rx2snDsnYtIDS_Orx0_q0aGnXk --service-token-id svc1`,
			},
			NonExamples: []string{
				`DATABASE_PASSWORD=pscale_pw_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx`,
				`the pscale_pw_ prefix marks a PlanetScale password`,
			},
		},
		{
			ID:          "neon-api-key",
			Provider:    "Neon",
			Description: "Neon API key",
			Grants:      PrivAdmin,
			Severity:    SeverityHigh,
			Confidence:  ConfidenceDistinctive,
			Keywords:    []string{"napi_"},
			Regex:       `(?<![A-Za-z0-9_])napi_[A-Za-z0-9]{64}(?![A-Za-z0-9])`,
			MaxLen:      72,
			MinEntropy:  4,
			Examples: []string{
				`NEON_API_KEY=napi_iRupSYeNZ969Fk0zmZpt3tTb9nFdVkk61sn29JjfNMngHgd1vv1VyOlduFan84hq`,
				`curl -H "Authorization: Bearer napi_mzwJu4OLUSb5lCnK03SSbAjW0dagFjxoA6wnmWLOOIVPybNLsMXZWM2vHO5psQrl" https://console.neon.tech/api/v2/projects`,
			},
			NonExamples: []string{
				`NEON_API_KEY=napi_iRupSYeNZ969Fk0zmZpt3tTb9nFdVkk61sn29JjfNM`,
				`NEON_API_KEY=napi_0000000000000000000000000000000000000000000000000000000000000000`,
			},
		},
	}
}
