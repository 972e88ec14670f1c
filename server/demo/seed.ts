import "server-only";
import { inArray, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import {
  CHANGE_EVENT_TYPES,
  changeEvents,
  integrations,
  type NewChangeEvent,
  type NewWorkItem,
  tasks,
  users,
  type WorkItemPriority,
  type WorkItemStatus,
  workItems,
} from "@/db/schema";
import { encryptSecret } from "@/lib/secrets";
import { generateSecret } from "@/server/deliveries/sign";
import { DEMO_INTEGRATION_NAME } from "@/server/demo/receipt";
import { taskSnapshot, workItemSnapshot } from "@/server/work-items/snapshot";
import { taskCreatedEventId } from "@/server/work-items/tasks";
import { workItemCreatedEventId } from "@/server/work-items/work-items";

export type SeedDemoDataOptions = {
  /** Users to assign repairs to (round robin); some repairs stay unassigned. */
  technicianIds: string[];
  /** Where the "demo-receiver" integration posts. */
  demoReceiverUrl?: string;
  /** Its signing secret, the one the demo receiver checks with (generated when unset). */
  demoReceiverSecret?: string;
};

type DemoRepair = {
  title: string;
  device: string;
  customerName: string;
  customerEmail?: string;
  customerPhone?: string;
  serialNumber?: string;
  status: WorkItemStatus;
  priority: WorkItemPriority;
  price?: number;
  description?: string;
  tasks?: Array<[title: string, done: boolean]>;
};

const DEMO_REPAIRS: DemoRepair[] = [
  {
    title: "Cracked screen replacement",
    device: "iPhone 14 Pro",
    customerName: "Maria Keller",
    customerEmail: "maria.keller@example.com",
    customerPhone: "+49 170 4412 907",
    serialNumber: "F2LXK0Q1N72J",
    status: "new",
    priority: "express",
    price: 289,
    description: "Dropped on pavement; touch works, display has a spider crack in the top left corner.",
    tasks: [
      ["Check Face ID after disassembly", false],
      ["Order OEM display", false],
    ],
  },
  {
    title: "Battery swells, back cover lifting",
    device: "Samsung Galaxy S21",
    customerName: "Jonas Weber",
    customerEmail: "jonas.w@example.com",
    serialNumber: "R58R31ABCDE",
    status: "in_progress",
    priority: "express",
    price: 119,
    description: "Customer noticed the back glass lifting. Do not charge the device.",
    tasks: [
      ["Discharge and remove battery safely", true],
      ["Replace back glass adhesive", false],
    ],
  },
  {
    title: "No power after liquid spill",
    device: "MacBook Air M1 (2020)",
    customerName: "Sofia Rossi",
    customerEmail: "sofia.rossi@example.com",
    customerPhone: "+39 333 120 4455",
    serialNumber: "C02DQ1ABQ6L4",
    status: "waiting_parts",
    priority: "normal",
    price: 540,
    description: "Coffee spill on the keyboard. Board shows corrosion near the USB-C controller.",
    tasks: [
      ["Ultrasonic clean of logic board", true],
      ["Order replacement USB-C board", true],
      ["Replace keyboard", false],
    ],
  },
  {
    title: "HDMI port loose, no picture",
    device: "PlayStation 5",
    customerName: "Liam O'Connor",
    customerPhone: "+353 87 555 0192",
    serialNumber: "E12345678901",
    status: "resolved",
    priority: "normal",
    price: 149.5,
    tasks: [
      ["Replace HDMI port", true],
      ["Test with 4K TV for 30 minutes", true],
    ],
  },
  {
    title: "Joy-Con drift (left)",
    device: "Nintendo Switch OLED",
    customerName: "Emma Schulz",
    customerEmail: "emma.schulz@example.com",
    status: "closed",
    priority: "normal",
    price: 39,
    description: "Left stick drifts up. Customer picked up, paid in cash.",
  },
  {
    title: "Keyboard keys unresponsive",
    device: "Lenovo ThinkPad T14 Gen 2",
    customerName: "Noah Fischer",
    customerEmail: "noah@fischer-it.example",
    serialNumber: "PF3ABC12",
    status: "in_progress",
    priority: "normal",
    price: 129,
  },
  {
    title: "Charging port replacement",
    device: "Google Pixel 7",
    customerName: "Olivia Brown",
    customerPhone: "+44 7700 900123",
    serialNumber: "2A211FDH300ABC",
    status: "new",
    priority: "normal",
    price: 79,
  },
  {
    title: "Overheating and fan noise",
    device: "Xbox Series X",
    customerName: "Lucas Martin",
    customerEmail: "lucas.martin@example.com",
    serialNumber: "0123456789012",
    status: "waiting_parts",
    priority: "express",
    price: 95,
    tasks: [
      ["Repaste APU", true],
      ["Order replacement fan", false],
    ],
  },
  {
    title: "Water damage assessment",
    device: "iPhone 12",
    customerName: "Mia Johansson",
    customerEmail: "mia.j@example.com",
    serialNumber: "DNPXK2ABN72J",
    status: "new",
    priority: "normal",
    description: "Phone was in the sea for ~10 seconds. Boots, but no sound from the speaker.",
  },
  {
    title: "Broken hinge, screen wobbles",
    device: "Dell XPS 13 9310",
    customerName: "Ethan Novak",
    customerPhone: "+420 602 123 456",
    serialNumber: "7XK2M33",
    status: "in_progress",
    priority: "express",
    price: 210,
  },
  {
    title: "Replace battery (health 71%)",
    device: "iPhone 11",
    customerName: "Ava Dubois",
    customerEmail: "ava.dubois@example.com",
    serialNumber: "FK1XR3ABN735",
    status: "resolved",
    priority: "normal",
    price: 89,
  },
  {
    title: "Disc drive does not read discs",
    device: "PlayStation 4 Pro",
    customerName: "Leon Becker",
    serialNumber: "MB123456789",
    status: "closed",
    priority: "normal",
    price: 65,
  },
  {
    title: "SSD upgrade and data migration",
    device: 'MacBook Pro 13" (2017)',
    customerName: "Isabella Costa",
    customerEmail: "isa.costa@example.com",
    serialNumber: "C02VK0AAHV2R",
    status: "in_progress",
    priority: "normal",
    price: 260,
    tasks: [
      ["Full backup of old drive", true],
      ["Install 1 TB SSD", false],
      ["Migrate and verify data", false],
    ],
  },
  {
    title: "Touchscreen ghost touches",
    device: "iPad Air (4th gen)",
    customerName: "Henry Walker",
    customerEmail: "henry.walker@example.com",
    serialNumber: "DMPF12ABQ1GC",
    status: "waiting_parts",
    priority: "normal",
    price: 199,
  },
  {
    title: "Stuck on boot logo",
    device: "Samsung Galaxy Tab S7",
    customerName: "Charlotte Meyer",
    customerPhone: "+49 151 2345 6789",
    serialNumber: "R52N70XYZ",
    status: "new",
    priority: "express",
    description: "Customer needs data recovered before any reset.",
  },
  {
    title: "Screen flickers at low brightness",
    device: "ASUS ROG Zephyrus G14",
    customerName: "Oscar Nilsson",
    customerEmail: "oscar.n@example.com",
    serialNumber: "M7NRCX01A234",
    status: "resolved",
    priority: "express",
    price: 175,
  },
  {
    title: "Rear camera out of focus",
    device: "OnePlus 9 Pro",
    customerName: "Amelia Clarke",
    customerEmail: "amelia.clarke@example.com",
    serialNumber: "OP9P2021X77",
    status: "closed",
    priority: "normal",
    price: 69,
  },
  {
    title: "Controller does not pair",
    device: "Nintendo Switch Lite",
    customerName: "Felix Wagner",
    status: "new",
    priority: "normal",
    price: 45,
  },
  {
    title: "Trackpad click not registering",
    device: 'MacBook Pro 14" M1 Pro',
    customerName: "Grace Kim",
    customerEmail: "grace.kim@example.com",
    serialNumber: "X9K2LQ1PV7",
    status: "in_progress",
    priority: "normal",
    price: 180,
  },
  {
    title: "Power button replacement",
    device: "Huawei P30",
    customerName: "Daniel Horvath",
    customerPhone: "+36 30 123 4567",
    serialNumber: "HWP30ELE123",
    status: "waiting_parts",
    priority: "normal",
    price: 55,
  },
  {
    title: "Speaker crackles at high volume",
    device: "iPhone 13 mini",
    customerName: "Chloe Lambert",
    customerEmail: "chloe.lambert@example.com",
    serialNumber: "G6TXK2AB0D52",
    status: "resolved",
    priority: "normal",
    price: 75,
  },
  {
    title: "Fan error E-1013, won't start",
    device: "Steam Deck 512GB",
    customerName: "Samuel Jansen",
    customerEmail: "sam.jansen@example.com",
    serialNumber: "FVAA12345678",
    status: "new",
    priority: "normal",
    price: 99,
    tasks: [["Diagnose fan connector", false]],
  },
  {
    title: "Cracked back glass",
    device: "iPhone 15",
    customerName: "Hannah Berg",
    customerPhone: "+47 412 34 567",
    serialNumber: "HX7Q9LPN3K",
    status: "closed",
    priority: "express",
    price: 169,
  },
  {
    title: "Wi-Fi drops every few minutes",
    device: "Microsoft Surface Pro 8",
    customerName: "Mateo García",
    customerEmail: "mateo.garcia@example.com",
    serialNumber: "0F12345678901",
    status: "in_progress",
    priority: "normal",
    price: 110,
  },
];

const HOUR = 3_600_000;

/**
 * Demo repairs, their tasks and creation events, plus the "demo-receiver" integration. Does nothing
 * (returns false) when any work item exists, so it is safe on every start.
 */
export async function seedDemoData(db: Db, options: SeedDemoDataOptions): Promise<boolean> {
  return db.transaction(async (tx) => {
    // One seeder at a time, so two processes starting together cannot both see an empty table.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('fixed-service-seed-demo-data'))`);
    const [{ count }] = await tx.select({ count: sql<number>`count(*)::int` }).from(workItems);
    if (count > 0) return false;

    const technicians = options.technicianIds.length
      ? await tx
          .select({ id: users.id, name: users.name })
          .from(users)
          .where(inArray(users.id, options.technicianIds))
      : [];
    const nameOf = new Map(technicians.map((t) => [t.id, t.name]));
    const assignable = options.technicianIds.filter((id) => nameOf.has(id));

    const now = Date.now();
    const events: NewChangeEvent[] = [];
    for (const [index, repair] of DEMO_REPAIRS.entries()) {
      // Oldest first, spread over the last three weeks; new repairs are unassigned.
      const createdAt = new Date(now - (DEMO_REPAIRS.length - index) * 19 * HOUR);
      const updatedAt = repair.status === "new" ? createdAt : new Date(createdAt.getTime() + 5 * HOUR);
      const technicianId =
        repair.status === "new" || assignable.length === 0 ? null : assignable[index % assignable.length];
      const values: NewWorkItem = {
        title: repair.title,
        description: repair.description ?? "",
        customerName: repair.customerName,
        customerEmail: repair.customerEmail ?? null,
        customerPhone: repair.customerPhone ?? null,
        device: repair.device,
        serialNumber: repair.serialNumber ?? null,
        status: repair.status,
        priority: repair.priority,
        priceCents: repair.price === undefined ? null : Math.round(repair.price * 100),
        technicianId,
        revision: 1,
        createdAt,
        updatedAt,
      };
      const [row] = await tx.insert(workItems).values(values).returning();
      const snapshot = workItemSnapshot(row, technicianId ? (nameOf.get(technicianId) ?? null) : null);
      events.push({
        id: workItemCreatedEventId(row.id),
        eventType: "workitem_created",
        subjectType: "workitem",
        subjectId: row.id,
        workItemId: row.id,
        revision: 1,
        changes: {},
        snapshot,
        createdAt,
      });
      for (const [title, done] of repair.tasks ?? []) {
        const [task] = await tx
          .insert(tasks)
          .values({ workItemId: row.id, title, done, createdAt, updatedAt: done ? updatedAt : createdAt })
          .returning();
        events.push({
          id: taskCreatedEventId(task.id),
          eventType: "task_created",
          subjectType: "task",
          subjectId: task.id,
          workItemId: row.id,
          revision: 1,
          changes: {},
          snapshot: { ...taskSnapshot(task), workItem: snapshot },
          createdAt,
        });
      }
    }
    await tx.insert(changeEvents).values(events);

    if (options.demoReceiverUrl) {
      await tx
        .insert(integrations)
        .values({
          name: DEMO_INTEGRATION_NAME,
          url: options.demoReceiverUrl,
          eventTypes: [...CHANGE_EVENT_TYPES],
          secret: encryptSecret(options.demoReceiverSecret ?? generateSecret()),
        })
        .onConflictDoNothing({ target: integrations.name });
    }
    return true;
  });
}
