package dev.cusp.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cusp.error.CuspException;
import org.junit.jupiter.api.Test;

class ByteRangeTest {
    @Test
    void readsOneRangeAndIgnoresWhatItCannotServe() {
        assertThat(ByteRange.parse("bytes=0-9", 100)).isEqualTo(new ByteRange(0, 9));
        assertThat(ByteRange.parse("bytes=90-", 100)).isEqualTo(new ByteRange(90, 99));
        assertThat(ByteRange.parse("bytes=90-500", 100)).isEqualTo(new ByteRange(90, 99));
        assertThat(ByteRange.parse("bytes=-10", 100)).isEqualTo(new ByteRange(90, 99));
        assertThat(ByteRange.parse("bytes=-1000", 100)).isEqualTo(new ByteRange(0, 99));
        for (String ignored : new String[] {null, "items=0-1", "bytes=0-1,5-6", "bytes=x-y", "bytes=5-1", "bytes=5"}) {
            assertThat(ByteRange.parse(ignored, 100)).as(ignored).isNull();
        }
        for (String past : new String[] {"bytes=100-", "bytes=100-200", "bytes=-0"}) {
            assertThatThrownBy(() -> ByteRange.parse(past, 100)).as(past).isInstanceOf(CuspException.class);
        }
    }
}
