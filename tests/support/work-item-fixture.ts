/** The actor and work item the delivery tests save with (server-layer inputs, no form parsing). */
export const ACTOR = { id: "user-test", name: "Tess Technician" };
export const ITEM = {
  title: "Cracked screen",
  description: "",
  customerName: "Ana Novak",
  customerEmail: null,
  customerPhone: null,
  device: "iPhone 13",
  serialNumber: null,
  status: "new" as const,
  priority: "normal" as const,
  priceCents: 12000,
  technicianId: null,
};

/** Two technicians, as actors of saves and as the user rows those saves name (tests of two people at work). */
export const TESS = { id: "user-tess", name: "Tess Technician" };
export const THEO = { id: "user-theo", name: "Theo Bench" };
export const TWO_TECHNICIANS = [
  { ...TESS, email: "tess@fixed.test", role: "technician" as const },
  { ...THEO, email: "theo@fixed.test", role: "technician" as const },
];
