-- Where capture facts begin, as migration 0018 created the table.
INSERT INTO synthetic_realism_word_history (captures_before) VALUES ('2026-01-01 08:00:00+00');
