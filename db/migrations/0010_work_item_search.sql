CREATE TABLE "work_item_search" (
	"work_item_id" integer PRIMARY KEY NOT NULL,
	"document" "tsvector" NOT NULL
);
--> statement-breakpoint
ALTER TABLE "work_item_search" ADD CONSTRAINT "work_item_search_work_item_id_work_items_id_fk" FOREIGN KEY ("work_item_id") REFERENCES "public"."work_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Search needs no extension (no unaccent, no pg_trgm): PostgreSQL's own full-text search, with accents
-- folded by normalize() (PostgreSQL 13+, a UTF8 database), so the same migration runs on PGlite, on the
-- embedded test server and on a managed PostgreSQL where the app's role may not CREATE EXTENSION.
-- Text as search sees it: compatibility-decomposed, combining marks dropped, the letters NFKD keeps whole
-- spelled in ASCII, lower case, and every run of spaces and punctuation one space.
CREATE FUNCTION search_fold(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
  SELECT regexp_replace(
    lower(
      replace(replace(replace(replace(replace(
        translate(regexp_replace(normalize(value, NFKD), '[\u0300-\u036f]', '', 'g'),
          'ØøŁłĐđÐðĦħıŦŧ', 'OoLlDdDdHhiTt'),
        'ß', 'ss'), 'Æ', 'ae'), 'æ', 'ae'), 'Œ', 'oe'), 'œ', 'oe')),
    '[[:space:][:punct:]\x21-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e]+', ' ', 'g')
$$;
--> statement-breakpoint
-- Every ending of a code of `shortest` characters or more, after the whole code: a search for the last
-- digits of a phone or of a serial number is then a prefix of one of them.
CREATE FUNCTION search_endings(code text, shortest integer) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
  SELECT string_agg(substr(code, i), ' ' ORDER BY i)
  FROM generate_series(2, length(code) - shortest + 1) AS i
$$;
--> statement-breakpoint
-- The item's search document. Weights rank a match: A reference and title, B customer, device and serial
-- number, C task titles, D description.
CREATE FUNCTION work_item_search_document(
  reference text, title text, description text, device text, serial_number text,
  customer_name text, customer_email text, customer_phone text, task_titles text
) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT
    setweight(to_tsvector('pg_catalog.simple', search_fold(concat_ws(' ',
      reference, replace(search_fold(reference), ' ', ''), ltrim(substring(reference FROM '[0-9]+$'), '0'),
      title))), 'A')
    || setweight(to_tsvector('pg_catalog.simple', search_fold(concat_ws(' ',
      customer_name, customer_email, customer_phone,
      regexp_replace(customer_phone, '[^0-9]', '', 'g'),
      search_endings(regexp_replace(customer_phone, '[^0-9]', '', 'g'), 4),
      device, serial_number,
      replace(search_fold(serial_number), ' ', ''),
      search_endings(replace(search_fold(serial_number), ' ', ''), 3)))), 'B')
    || setweight(to_tsvector('pg_catalog.simple', search_fold(coalesce(task_titles, ''))), 'C')
    || setweight(to_tsvector('pg_catalog.simple', search_fold(coalesce(description, ''))), 'D')
$$;
--> statement-breakpoint
-- What the search box's text asks for: every word a prefix, all of them required; words typed together
-- with punctuation between (an e-mail, "RMA-000123", "SN-1005") one after the other or run together;
-- text that looks like a phone number also its digits, with or without a leading trunk zero. NULL when
-- nothing searchable is left (punctuation only), which matches nothing.
CREATE FUNCTION work_item_search_query(search text) RETURNS tsquery
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
  WITH terms AS (
    SELECT CASE WHEN count(*) > 1
      THEN '(' || string_agg(word || ':*', ' <-> ' ORDER BY n) || ' | ' || string_agg(word, '' ORDER BY n) || ':*)'
      ELSE min(word) || ':*' END AS term
    FROM regexp_split_to_table(search, '\s+') WITH ORDINALITY AS t(raw, at),
      regexp_split_to_table(btrim(search_fold(raw)), ' ') WITH ORDINALITY AS w(word, n)
    WHERE word <> ''
    GROUP BY at
  ), parts AS (
    SELECT string_agg(term, ' & ') AS words, regexp_replace(search, '[^0-9]', '', 'g') AS digits FROM terms
  )
  -- One to_tsquery over text built from folded words: nothing the user types is tsquery syntax.
  SELECT to_tsquery('pg_catalog.simple', CASE
    WHEN search ~ '^[0-9\s+()./-]+$' AND length(digits) >= 4
      THEN '(' || words || ') | ' || digits || ':* | ' || coalesce(nullif(ltrim(digits, '0'), ''), '0') || ':*'
    ELSE words END)
  FROM parts
$$;
--> statement-breakpoint
-- Rewrites one item's document from what is committed and its own transaction's changes. Locks first, in
-- the order every writer takes them (the item's row, shared, then its document), so the read below runs
-- after any save that held the document before it: two saves of one item (its fields and a task, or two
-- tasks) never leave a document that lacks either.
CREATE FUNCTION refresh_work_item_search(item_id integer) RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
  PERFORM 1 FROM work_items WHERE id = item_id FOR SHARE;
  PERFORM 1 FROM work_item_search WHERE work_item_id = item_id FOR UPDATE;
  INSERT INTO work_item_search (work_item_id, document)
  SELECT w.id, work_item_search_document(w.reference, w.title, w.description, w.device, w.serial_number,
    w.customer_name, w.customer_email, w.customer_phone,
    (SELECT string_agg(t.title, ' ' ORDER BY t.id) FROM tasks t WHERE t.work_item_id = w.id))
  FROM work_items w
  WHERE w.id = item_id
  ON CONFLICT (work_item_id) DO UPDATE SET document = excluded.document;
END
$$;
--> statement-breakpoint
CREATE FUNCTION work_items_search_refresh() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  PERFORM refresh_work_item_search(NEW.id);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE FUNCTION tasks_search_refresh() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    PERFORM refresh_work_item_search(OLD.work_item_id);
  END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.work_item_id <> OLD.work_item_id) THEN
    PERFORM refresh_work_item_search(NEW.work_item_id);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER work_items_search_insert AFTER INSERT ON work_items
FOR EACH ROW EXECUTE FUNCTION work_items_search_refresh();
--> statement-breakpoint
-- A save that changes only status, priority, price or technician leaves the document alone.
CREATE TRIGGER work_items_search_update AFTER UPDATE ON work_items
FOR EACH ROW
WHEN ((OLD.reference, OLD.title, OLD.description, OLD.device, OLD.serial_number, OLD.customer_name,
  OLD.customer_email, OLD.customer_phone) IS DISTINCT FROM (NEW.reference, NEW.title, NEW.description,
  NEW.device, NEW.serial_number, NEW.customer_name, NEW.customer_email, NEW.customer_phone))
EXECUTE FUNCTION work_items_search_refresh();
--> statement-breakpoint
CREATE TRIGGER tasks_search_insert_delete AFTER INSERT OR DELETE ON tasks
FOR EACH ROW EXECUTE FUNCTION tasks_search_refresh();
--> statement-breakpoint
CREATE TRIGGER tasks_search_update AFTER UPDATE ON tasks
FOR EACH ROW
WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.work_item_id IS DISTINCT FROM NEW.work_item_id)
EXECUTE FUNCTION tasks_search_refresh();
--> statement-breakpoint
INSERT INTO work_item_search (work_item_id, document)
SELECT w.id, work_item_search_document(w.reference, w.title, w.description, w.device, w.serial_number,
  w.customer_name, w.customer_email, w.customer_phone, t.titles)
FROM work_items w
LEFT JOIN (
  SELECT work_item_id, string_agg(title, ' ' ORDER BY id) AS titles FROM tasks GROUP BY work_item_id
) t ON t.work_item_id = w.id;
--> statement-breakpoint
CREATE INDEX "work_item_search_document_idx" ON "work_item_search" USING gin ("document");
