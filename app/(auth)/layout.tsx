import type { ReactNode } from "react";
import { CenteredPage } from "@/components/centered-page";

/** Sign-in, setup and invitation pages: one centred column, outside any team. */
export default function AuthLayout({ children }: { children: ReactNode }) {
  return <CenteredPage>{children}</CenteredPage>;
}
