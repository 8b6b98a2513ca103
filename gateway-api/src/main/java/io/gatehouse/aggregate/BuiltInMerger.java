package io.gatehouse.aggregate;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The mergers {@link Merger} names. The gateway recognises them and merges Jackson trees instead
 * of calling them; these plain-Java bodies give a user who calls one directly the same result.
 */
enum BuiltInMerger implements Merger {
  BY_KEY {
    @Override
    public Object merge(Map<String, Object> answers) {
      return new LinkedHashMap<>(answers);
    }
  },
  DEEP_MERGE {
    @Override
    public Object merge(Map<String, Object> answers) {
      Map<String, Object> merged = new LinkedHashMap<>();
      answers.forEach((key, answer) -> {
        if (answer instanceof Map<?, ?> object) {
          mergeInto(merged, object);
        } else {
          merged.put(key, answer);
        }
      });
      return merged;
    }
  };

  @SuppressWarnings("unchecked")
  private static void mergeInto(Map<String, Object> target, Map<?, ?> source) {
    source.forEach((name, value) -> {
      Object earlier = target.get((String) name);
      if (earlier instanceof Map<?, ?> e && value instanceof Map<?, ?> v) {
        Map<String, Object> both = new LinkedHashMap<>((Map<String, Object>) e);
        mergeInto(both, v);
        target.put((String) name, both);
      } else {
        target.put((String) name, value);
      }
    });
  }
}
