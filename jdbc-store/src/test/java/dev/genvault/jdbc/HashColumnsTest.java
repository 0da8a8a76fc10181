package dev.genvault.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HashColumnsTest {
  @Test
  void only_lowercase_hex_of_whole_bytes_is_kept_as_bytes_so_every_value_reads_back_the_same() {
    assertThat(HashColumns.bytes("00ff7a")).containsExactly(0x00, 0xff, 0x7a);
    assertThat(HashColumns.bytes("0123456789abcdef".repeat(2))).hasSize(16);
    assertThat(HashColumns.bytes("ab".repeat(64))).hasSize(64);
    for (String text :
        new String[] {null, "", "abc", "ABCD", "00Ff", "fp-1", "0x12", " 12", "ab".repeat(65)}) {
      assertThat(HashColumns.bytes(text)).as(String.valueOf(text)).isNull();
    }
  }
}
