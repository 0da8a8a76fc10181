package dev.genvault.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genvault.spi.ForwardingGenerationStore;
import dev.genvault.spi.GenerationStore;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A decorator that overrides nothing keeps the whole contract. */
class ForwardingGenerationStoreTest extends GenerationStoreContract {
  @Override
  protected GenerationStore createStore() {
    return new ForwardingGenerationStore(GenerationStore.inMemory()) {};
  }

  @Test
  void every_store_method_is_forwarded_those_with_a_default_included() {
    List<String> notForwarded = new ArrayList<>();
    for (Method m : GenerationStore.class.getMethods()) {
      if (Modifier.isStatic(m.getModifiers())) {
        continue;
      }
      try {
        ForwardingGenerationStore.class.getDeclaredMethod(m.getName(), m.getParameterTypes());
      } catch (NoSuchMethodException e) {
        notForwarded.add(m.getName());
      }
    }
    assertThat(notForwarded).isEmpty();
  }
}
