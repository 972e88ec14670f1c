import { describe, expect, it } from "vitest";
import { parseCliArgs } from "@/server/auth/first-admin";
import { echoValues, formDataToObject } from "@/server/auth/form-data";

describe("FormData parsing for server actions", () => {
  it("turns fields into strings and repeated keys into arrays", () => {
    const form = new FormData();
    form.append("name", "Tess");
    form.append("tags", "a");
    form.append("tags", "b");
    form.append("tags", "c");
    form.append("empty", "");
    expect(formDataToObject(form)).toEqual({ name: "Tess", tags: ["a", "b", "c"], empty: "" });
  });

  it("drops the keys Next adds for server actions", () => {
    const form = new FormData();
    form.append("$ACTION_ID_abc123", "");
    form.append("$ACTION_REF_1", "");
    form.append("email", "a@b.c");
    expect(formDataToObject(form)).toEqual({ email: "a@b.c" });
  });

  it("keeps files as files", () => {
    const form = new FormData();
    const file = new File(["hi"], "note.txt", { type: "text/plain" });
    form.append("attachment", file);
    expect(formDataToObject(form).attachment).toBeInstanceOf(File);
  });

  it("echoes typed values back but never passwords or secrets", () => {
    expect(
      echoValues({
        name: "Tess",
        email: "tess@fixed.test",
        password: "hunter22hunter",
        newPassword: "x",
        signingSecret: "whsec_x",
        tags: ["a", "b"],
        count: 3,
        file: new File([""], "f"),
      }),
    ).toEqual({ name: "Tess", email: "tess@fixed.test", tags: "a,b", count: "3" });
    expect(echoValues(null)).toEqual({});
    expect(echoValues("text")).toEqual({});
  });
});

describe("create-admin arguments", () => {
  it("reads --email, --name and --update in both spellings", () => {
    expect(parseCliArgs(["--email", "a@b.c", "--name", "Ada Admin"])).toEqual({
      email: "a@b.c",
      name: "Ada Admin",
      update: false,
      help: false,
    });
    expect(parseCliArgs(["--email=a@b.c", "--name=Ada", "--update"])).toMatchObject({
      email: "a@b.c",
      name: "Ada",
      update: true,
    });
  });

  it("rejects unknown flags and flags without a value", () => {
    expect(() => parseCliArgs(["--emial", "a@b.c"])).toThrow(/Unknown argument/);
    expect(() => parseCliArgs(["--email"])).toThrow(/--email needs a value/);
    expect(() => parseCliArgs(["--email", "--name", "x"])).toThrow(/--email needs a value/);
  });
});
