package dev.cutover.verify;

import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void smoke() {
        try (Pair p = new Pair("smoke")) {
            p.old.exec("CREATE TABLE t (id bigint PRIMARY KEY, name text, amount numeric(12,2)); "
                    + "INSERT INTO t SELECT g, 'n' || g, g * 1.5 FROM generate_series(1, 1000) g");
            p.neu.exec("CREATE TABLE t (id bigint PRIMARY KEY, name text, cents bigint); "
                    + "INSERT INTO t SELECT g, 'n' || g, (g * 150)::bigint FROM generate_series(1, 1000) g; "
                    + "UPDATE t SET name = NULL WHERE id = 500; DELETE FROM t WHERE id = 7; INSERT INTO t VALUES (5000, 'x', 1)");
            p.plan("""
                    {"version":1,"name":"smoke","tables":[{"source":{"schema":"public","table":"t"},"target":{"schema":"public","table":"t"},
                    "key":["id"],"columns":[{"target":"id","expr":"id"},{"target":"name","expr":"name"},{"target":"cents","expr":"round(amount*100)::bigint"}],
                    "dropped":[],"reverse":[{"target":"amount","expr":"cents / 100.0"}]}]}""");
            var r = p.run("verify", "--chunk-rows", "100", "--csv", p.dir.resolve("d.csv").toString());
            System.out.println(r);
            System.out.println(readCsv(p));
            r = p.run("verify", "--sample", "50");
            System.out.println(r);
            r = p.run("repair");
            System.out.println(r);
            r = p.run("verify");
            System.out.println(r);
            r = p.run("verify", "--direction", "reverse");
            System.out.println(r);
        }
    }

    private static String readCsv(Pair p) {
        try {
            return java.nio.file.Files.readString(p.dir.resolve("d.csv"));
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
