package dev.cutover.ui.verify;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/** Breaking a table's name onto lines, measured here in characters (one a unit). */
@Timeout(10)
class NameLinesTest {
    private static String lines(String name, double width) {
        return NameLines.lines(name, width, String::length);
    }

    @Test
    void aNameThatFitsStaysOnOneLine() {
        assertThat(lines("public.orders", 13)).isEqualTo("public.orders");
    }

    @Test
    void breaksAfterDotsAndUnderscoresAndKeepsEveryCharacter() {
        String name = "public.customer_subscription_billing_adjustments";
        assertThat(lines(name, 22)).isEqualTo("public.customer_\nsubscription_billing_\nadjustments");
        assertThat(lines(name, 22).replace("\n", "")).isEqualTo(name);
    }

    @Test
    void aPartWiderThanTheColumnIsBrokenInside() {
        assertThat(lines("public.abcdefghij", 4)).isEqualTo("publ\nic.\nabcd\nefgh\nij");
        assertThat(lines("ab", 0)).isEqualTo("a\nb");
    }
}
