package dev.cutover.control;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/** The local last-seen cache: one file per (Redis endpoint, migration), owner-only. */
@Timeout(30)
class LastSeenCacheTest {
    private static final String REDIS = "redis://ops:s3cret@redis-1:6379";

    private static ControlState state(long version, String salt) {
        return new ControlState(Phase.SHADOW_READ, WriteTarget.DUAL_WRITE, 0, 0.01, salt, version);
    }

    @Test
    void migrationsWhoseNamesDifferOnlyInSlashAndUnderscoreKeepSeparateFiles(@TempDir Path dir) {
        LastSeenCache slash = new LastSeenCache(dir, REDIS, "a/b");
        LastSeenCache underscore = new LastSeenCache(dir, REDIS, "a_b");
        LastSeenCache percent = new LastSeenCache(dir, REDIS, "a%2Fb");
        assertThat(slash.file()).isNotEqualTo(underscore.file()).isNotEqualTo(percent.file());
        assertThat(underscore.file()).isNotEqualTo(percent.file());
        assertThat(slash.file().getParent()).isEqualTo(dir);

        slash.remember(state(7, "aaaaaaaaaaaaaaaa"), 1000);
        underscore.remember(state(2, "bbbbbbbbbbbbbbbb"), 2000);
        assertThat(slash.load().version()).isEqualTo(7);
        assertThat(slash.load().routingSalt()).isEqualTo("aaaaaaaaaaaaaaaa");
        assertThat(slash.seen().createdAt()).isEqualTo(1000);
        assertThat(underscore.load().version()).isEqualTo(2);
        assertThat(percent.load()).isNull();
    }

    @Test
    void theFileNameIsAnInjectiveEscapeWithoutThePassword() {
        assertThat(LastSeenCache.escape("a/b")).isEqualTo("a%2Fb");
        assertThat(LastSeenCache.escape("a_b")).isEqualTo("a%5Fb");
        assertThat(LastSeenCache.escape("a%b")).isEqualTo("a%25b");
        assertThat(LastSeenCache.escape("../x")).isEqualTo("..%2Fx");
        assertThat(LastSeenCache.escape("é")).isEqualTo("%C3%A9");
        assertThat(new LastSeenCache(Path.of("/tmp"), REDIS, "m").file().getFileName().toString())
                .isEqualTo("redis-1%3A6379__m.json").doesNotContain("s3cret");
        // the same migration on another Redis, or another Redis database number, is another file
        assertThat(LastSeenCache.fileName("redis-1:6379/1", "m")).isNotEqualTo(LastSeenCache.fileName("redis-1:6379", "m"));
        // very long names stay under file-system limits and stay distinct
        String longA = "x".repeat(300) + "a";
        String longB = "x".repeat(300) + "b";
        assertThat(LastSeenCache.fileName("h:1", longA)).hasSizeLessThan(256).isNotEqualTo(LastSeenCache.fileName("h:1", longB));
    }

    @Test
    void theCacheIsOwnerOnly(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("state");
        LastSeenCache c = new LastSeenCache(dir, REDIS, "m");
        c.remember(state(3, "cccccccccccccccc"), 5);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(c.file()))).isEqualTo("rw-------");
        assertThat(Files.readString(c.file())).doesNotContain("s3cret").contains("\"created_at\":5");
        // an older version of the same state is not remembered over a newer one
        c.remember(state(2, "cccccccccccccccc"), 5);
        assertThat(c.load().version()).isEqualTo(3);
    }
}
