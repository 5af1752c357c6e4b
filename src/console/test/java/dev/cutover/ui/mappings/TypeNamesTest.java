package dev.cutover.ui.mappings;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TypeNamesTest {
    @Test
    void theLongStandardNamesGetPostgresShortOnes() {
        assertThat(TypeNames.shortName("timestamp with time zone")).isEqualTo("timestamptz");
        assertThat(TypeNames.shortName("timestamp(3) with time zone")).isEqualTo("timestamptz(3)");
        assertThat(TypeNames.shortName("timestamp without time zone[]")).isEqualTo("timestamp[]");
        assertThat(TypeNames.shortName("time with time zone")).isEqualTo("timetz");
        assertThat(TypeNames.shortName("character varying(200)")).isEqualTo("varchar(200)");
        assertThat(TypeNames.shortName("character(2)")).isEqualTo("char(2)");
        assertThat(TypeNames.shortName("double precision")).isEqualTo("float8");
    }

    @Test
    void otherNamesStayAsTheServerGaveThem() {
        assertThat(TypeNames.shortName("numeric(12,2)")).isEqualTo("numeric(12,2)");
        assertThat(TypeNames.shortName("jsonb")).isEqualTo("jsonb");
        assertThat(TypeNames.shortName("\"Order Status\"")).isEqualTo("\"Order Status\"");
    }
}
